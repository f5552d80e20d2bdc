@testable import BrainSecurity
import Foundation
import Testing

/// How an event is shaped before it is hashed: the request id added to its detail, control characters replaced and
/// fields cut, with the byte-level fast paths giving what the character-level code gave.
@Suite struct AuditEventShapeTests {
    func event(_ detail: String) -> AuditEvent { AuditEvent(actor: "a", action: "GET /x", target: "/x", source: "127.0.0.1", detail: detail) }

    @Test func theRequestIdIsAddedFirstToAnObjectThatLacksOne() {
        #expect(event("{}").naming(request: "r1").detail == #"{"requestId":"r1"}"#)
        #expect(event(#"{"a":"1"}"#).naming(request: "r1").detail == #"{"requestId":"r1","a":"1"}"#)
        #expect(event("{ \t\"a\":\"1\" }\n").naming(request: "r1").detail == #"{"requestId":"r1","a":"1" }"#)
        #expect(event("{  }").naming(request: "r1").detail == #"{"requestId":"r1"}"#)
    }

    @Test func aDetailThatNamesARequestOrIsNoObjectIsLeftAlone() {
        #expect(event(#"{"requestId":"mine","a":"1"}"#).naming(request: "r1").detail == #"{"requestId":"mine","a":"1"}"#)
        #expect(event(#"{"x":{"requestId":"deep"}}"#).naming(request: "r1").detail == #"{"x":{"requestId":"deep"}}"#)
        #expect(event("plain text").naming(request: "r1").detail == "plain text")
        #expect(event("{}").naming(request: nil).detail == "{}")
        #expect(event(#"{"a":"请求"}"#).naming(request: "r1").detail == #"{"requestId":"r1","a":"请求"}"#)
    }

    @Test func controlCharactersAreReplacedAndTabsAndNewlinesKept() {
        let e = AuditEvent(actor: "a\u{0}b", action: "x\u{7F}", target: "t\u{1B}", source: "s", outcome: "ok", detail: "{\"a\":\"1\tb\nc\r\"}").storable
        #expect(e.actor == "a\u{FFFD}b")
        #expect(e.action == "x\u{FFFD}")
        #expect(e.target == "t\u{FFFD}")
        #expect(e.detail == "{\"a\":\"1\tb\nc\r\"}")
    }

    @Test func longFieldsAreCutByCharactersNotBytes() {
        let han = String(repeating: "审", count: 150)          // 450 bytes, 150 characters: under the actor's 200
        #expect(AuditEvent(actor: han, action: "", target: "", source: "").storable.actor == han)
        let long = String(repeating: "审", count: 250)
        #expect(AuditEvent(actor: long, action: "", target: "", source: "").storable.actor == String(repeating: "审", count: 200) + "…")
        let ascii = String(repeating: "a", count: 200)
        #expect(AuditEvent(actor: ascii, action: "", target: "", source: "").storable.actor == ascii)
        #expect(AuditEvent(actor: ascii + "b", action: "", target: "", source: "").storable.actor == ascii + "…")
    }
}
