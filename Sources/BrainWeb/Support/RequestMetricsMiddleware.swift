import Dispatch
import HTTPTypes
import Hummingbird
import Metrics
import Synchronization

/// Counts requests and times them per route, method and status: the metrics Hummingbird's `MetricsMiddleware` records
/// (`hb.requests`, `http.server.request.duration`, `hb.request.errors`, `http.server.active_requests`, with the same
/// dimensions), so `/metrics` reads the same. It times the handler up to its answer rather than to the last byte written
/// (every answer here is built in memory), which spares each call a wrapped body writer. Switching the framework's
/// middleware off saved 12–29 µs of the 113–130 µs of CPU a metered read took (docs/benchmarks.md); this one's own cost
/// was not separated from the other changes of the same step.
struct RequestMetricsMiddleware: RouterMiddleware {
    typealias Context = BrainContext

    /// The metrics of one route, method and status.
    struct Endpoint: Sendable {
        let counter: Counter
        let timer: Timer
        let errors: Counter

        init(_ key: Key) {
            let method = key.method.rawValue, status = String(key.status)
            counter = Counter(label: "hb.requests", dimensions: [("http.route", key.route), ("http.request.method", method), ("http.response.status_code", status)])
            timer = Timer(label: "http.server.request.duration", dimensions: [("http.route", key.route), ("http.request.method", method),
                                                                             ("http.response.status_code", status)], preferredDisplayUnit: .seconds)
            errors = Counter(label: "hb.request.errors", dimensions: [("http.route", key.route), ("http.request.method", method), ("error.type", status)])
        }
    }

    struct Key: Hashable, Sendable {
        let route: String
        let method: HTTPRequest.Method
        let status: Int
    }

    /// Metrics made once per key and method, shared by every copy of the middleware.
    final class Table: Sendable {
        let endpoints = Mutex<[Key: Endpoint]>([:])
        let active = Mutex<[HTTPRequest.Method: Meter]>([:])

        func endpoint(_ key: Key) -> Endpoint {
            endpoints.withLock { all in
                if let e = all[key] { return e }
                let e = Endpoint(key)
                all[key] = e
                return e
            }
        }

        func activeMeter(_ method: HTTPRequest.Method) -> Meter {
            active.withLock { all in
                if let m = all[method] { return m }
                let m = Meter(label: "http.server.active_requests", dimensions: [("http.request.method", method.rawValue)])
                all[method] = m
                return m
            }
        }
    }

    let table = Table()

    func handle(_ request: Request, context: BrainContext, next: (Request, BrainContext) async throws -> Response) async throws -> Response {
        let start = DispatchTime.now().uptimeNanoseconds
        let active = table.activeMeter(request.method)
        active.increment()
        defer { active.decrement() }
        do {
            let response = try await next(request, context)
            let e = table.endpoint(Key(route: context.endpointPath ?? "Unknown", method: request.method, status: Int(response.status.code)))
            e.counter.increment()
            e.timer.recordNanoseconds(Int64(DispatchTime.now().uptimeNanoseconds - start))
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            let e = table.endpoint(Key(route: context.endpointPath ?? "NotFound", method: request.method, status: Int(status)))
            e.counter.increment()
            e.errors.increment()
            throw error
        }
    }
}
