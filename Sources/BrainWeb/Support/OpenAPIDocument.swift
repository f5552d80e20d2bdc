import Foundation

/// Builds the OpenAPI 3.1 document from the registered routes' documentation.
enum OpenAPIDocument {
    static func build(_ docs: [RouteDoc], version: String) -> Data {
        var paths: [String: [String: Any]] = [:]
        for d in docs {
            var op: [String: Any] = [
                "summary": d.summary,
                "tags": [d.tag],
                "operationId": d.method + d.openAPIPath.replacingOccurrences(of: "/api/v1", with: "")
                    .split(whereSeparator: { "/{}-".contains($0) }).map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(),
            ]
            if !d.params.isEmpty {
                op["parameters"] = d.params.map { p -> [String: Any] in
                    var schema: [String: Any] = ["type": p.type]
                    if let e = p.enumValues { schema["enum"] = e }
                    return ["name": p.name, "in": p.location, "required": p.required, "description": p.description, "schema": schema]
                }
            }
            if let body = d.requestBody {
                let schema: [String: Any] = body.schema == "CSV" ? ["type": "string"] : ["$ref": "#/components/schemas/\(body.schema)"]
                op["requestBody"] = ["required": true, "content": [body.contentType: ["schema": schema]]]
            }
            var responses: [String: Any] = [:]
            let okSchema: [String: Any] = d.response.map { ["$ref": "#/components/schemas/\($0)"] } ?? ["type": "object"]
            responses["200"] = ["description": "OK", "content": ["application/json": ["schema": okSchema]]]
            for code in d.errors {
                responses[String(code)] = ["description": errorText(code), "content": ["application/json": ["schema": ["$ref": "#/components/schemas/Error"]]]]
            }
            op["responses"] = responses
            if d.secured {
                op["security"] = [["bearer": [String]()]]
            } else {
                op["security"] = [[String: [String]]()]
            }
            if let perm = d.permission { op["x-permission"] = perm }
            paths[d.openAPIPath, default: [:]][d.method] = op
        }
        let doc: [String: Any] = [
            "openapi": "3.1.0",
            "info": ["title": "Industry Brain (产业大脑) API", "version": version,
                     "description": "Province industry platform: standard data model, monitoring, warnings, chains, talent, policies. Every route except login needs a bearer token and answers only within the caller's data scope."],
            "servers": [["url": "/"]],
            "paths": paths,
            "components": [
                "securitySchemes": ["bearer": ["type": "http", "scheme": "bearer"]],
                "schemas": schemas.merging(serviceSchemas) { a, _ in a },
            ],
        ]
        return try! JSONSerialization.data(withJSONObject: doc, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
    }

    static func errorText(_ code: Int) -> String {
        switch code {
        case 400: return "A parameter or the body is invalid; the message names it"
        case 401: return "Missing, invalid or expired bearer token"
        case 403: return "The caller's role or data scope does not allow this"
        case 404: return "No such resource"
        case 413: return "Body too large"
        default: return "Error"
        }
    }

    // The schema constants below are immutable literals built once; nothing ever writes to them.
    nonisolated(unsafe) static let str: [String: Any] = ["type": "string"]
    nonisolated(unsafe) static let strOrNull: [String: Any] = ["type": ["string", "null"]]
    nonisolated(unsafe) static let num: [String: Any] = ["type": "number"]
    nonisolated(unsafe) static let numOrNull: [String: Any] = ["type": ["number", "null"]]
    nonisolated(unsafe) static let int: [String: Any] = ["type": "integer"]
    nonisolated(unsafe) static let bool: [String: Any] = ["type": "boolean"]
    static func arr(_ items: [String: Any]) -> [String: Any] { ["type": "array", "items": items] }
    static func ref(_ name: String) -> [String: Any] { ["$ref": "#/components/schemas/\(name)"] }
    static func obj(_ props: [String: Any], required: [String]? = nil) -> [String: Any] {
        ["type": "object", "properties": props, "required": required ?? Array(props.keys).sorted()]
    }
    static func list(_ item: String) -> [String: Any] { obj(["items": arr(ref(item))]) }

    nonisolated(unsafe) static let schemas: [String: Any] = [
        "Error": obj(["error": obj(["code": str, "message": str])]),
        "LoginRequest": obj(["username": str, "password": str, "otp": str], required: ["username", "password"]),
        "LoginResponse": obj(["token": str, "expiresAt": str, "username": str, "role": str, "scope": str, "factors": str, "enrolmentRequired": bool],
                             required: ["token", "expiresAt", "username", "role", "factors", "enrolmentRequired"]),
        "Me": obj(["username": str, "role": str, "roleName": str, "scope": strOrNull, "scopeName": strOrNull, "permissions": arr(str)],
                  required: ["username", "role", "roleName", "permissions"]),
        "Region": obj(["code": str, "name": str, "level": str, "parent": strOrNull], required: ["code", "name", "level"]),
        "RegionList": list("Region"),
        "Zone": obj(["code": str, "name": str, "shortName": str, "kind": str, "kindName": str, "counties": arr(str), "cities": arr(str), "chains": arr(str)]),
        "ZoneList": list("Zone"),
        "IndustryList": obj(["divisions": arr(obj(["code": str, "section": str, "name": str])), "classes": arr(obj(["code": str, "name": str]))]),
        "ChainLink": obj(["code": str, "name": str, "stage": str, "products": arr(str), "industries": arr(str), "feeds": arr(str)]),
        "ChainSummary": obj(["code": str, "name": str, "clusters": arr(str), "linkCount": int, "links": arr(ref("ChainLink"))]),
        "ChainList": list("ChainSummary"),
        "Chain": obj(["code": str, "name": str, "clusters": arr(str), "links": arr(ref("ChainLink")),
                      "edges": arr(obj(["from": str, "to": str])), "industryNames": ["type": "object", "additionalProperties": str]]),
        "DataElement": obj(["id": str, "dataset": str, "field": str, "nameZh": str, "nameEn": str, "type": str, "unit": strOrNull,
                            "codeList": strOrNull, "minimum": ["type": ["number", "null"]], "aggregation": strOrNull, "required": bool,
                            "aliases": arr(str), "description": str], required: ["id", "dataset", "field", "nameZh", "type", "required"]),
        "ElementList": list("DataElement"),
        "Enterprise": obj(["uscc": str, "name": str, "region": str, "regionName": str, "city": strOrNull, "cityName": strOrNull,
                           "zone": strOrNull, "zoneName": strOrNull, "industry": str, "industryName": str, "employees": int, "revenue": num,
                           "sizeClass": str, "sizeClassName": str, "aboveScale": bool, "chains": arr(str), "chainLinks": arr(str),
                           "founded": ["type": ["integer", "null"]]],
                          required: ["uscc", "name", "region", "industry", "employees", "revenue", "sizeClass", "aboveScale", "chainLinks"]),
        "EnterprisePage": obj(["total": int, "limit": int, "offset": int, "items": arr(ref("Enterprise"))]),
        "SupplyLink": obj(["supplier": str, "supplierName": str, "supplierRegion": str, "customer": str, "product": str,
                           "chain": strOrNull, "link": strOrNull, "annualValue": num], required: ["supplier", "customer", "product", "annualValue"]),
        "EnterpriseDetail": obj(["enterprise": ref("Enterprise"), "indicatorsVisible": bool,
                                 "indicators": arr(obj(["month": str, "values": ["type": "object", "additionalProperties": ["type": ["number", "null"]]]])),
                                 "units": ["type": "object", "additionalProperties": str],
                                 "suppliers": arr(ref("SupplyLink")), "customers": arr(ref("SupplyLink"))]),
        "IndicatorFigures": obj(["indicator": str, "name": str, "unit": str, "month": num, "monthLastYear": num, "monthYoy": numOrNull,
                                 "previous": num, "monthMom": numOrNull, "cumulative": num, "cumulativeLastYear": num, "cumulativeYoy": numOrNull],
                                required: ["indicator", "name", "unit", "month", "cumulative"]),
        "BreakdownRow": obj(["code": str, "name": str, "firms": int, "outputValue": num, "outputYoy": numOrNull, "revenue": num,
                             "revenueYoy": numOrNull, "profit": num, "profitYoy": numOrNull, "electricity": num, "electricityYoy": numOrNull,
                             "lossShare": numOrNull], required: ["code", "name", "firms", "outputValue"]),
        "MonitorOverview": obj(["period": str, "periodLabel": str, "cumulativeLabel": str,
                                "scope": obj(["region": str, "regionName": str], required: ["region", "regionName"]),
                                "firms": obj(["aboveScale": int, "reporting": int, "newlyAbove": int, "droppedOut": int]),
                                "indicators": arr(ref("IndicatorFigures")),
                                "loss": obj(["lossMakingFirms": int, "lossAmount": num], required: ["lossMakingFirms", "lossAmount"]),
                                "breakdown": obj(["regions": arr(ref("BreakdownRow")), "zones": arr(ref("BreakdownRow")),
                                                  "chains": arr(ref("BreakdownRow")), "divisions": arr(ref("BreakdownRow"))]),
                                "series": arr(obj(["period": str, "label": str, "outputValue": num], required: ["period", "label", "outputValue"]))]),
        "Warning": obj(["id": str, "kind": str, "level": str, "subjectType": str, "subject": str, "subjectName": str, "region": strOrNull,
                        "zone": strOrNull, "chain": strOrNull, "period": str, "rule": str, "inputs": ["type": "object", "additionalProperties": num],
                        "threshold": str, "explanation": str, "state": str, "createdAt": str, "updatedAt": str, "acknowledgedBy": strOrNull,
                        "acknowledgedAt": strOrNull, "resolvedBy": strOrNull, "resolvedAt": strOrNull, "note": strOrNull]),
        "WarningPage": obj(["total": int, "limit": int, "offset": int, "items": arr(ref("Warning"))]),
        "WarningAction": obj(["note": str], required: []),
        "Thresholds": ["type": "object", "description": "yellow/orange/red bounds per rule; see docs/warnings.md"],
        "ChainAnalysis": obj(["chain": str, "chainName": str, "region": str, "regionName": str, "period": str, "firms": int, "output": num, "suppressed": str,
                              "links": arr(obj(["code": str, "name": str, "stage": str, "localFirms": int, "output": num, "share": num,
                                                "shareOfProvince": num, "suppressed": str,
                                                "strength": str, "strengthName": str, "strengthReason": str,
                                                "leaders": arr(obj(["uscc": str, "name": str, "output": num, "share": num, "pageRank": num, "betweenness": num],
                                                                   required: ["uscc", "name", "output", "share"])),
                                                "localSupplyRate": numOrNull, "supplierHHI": numOrNull, "singleSupplierFirms": int,
                                                "upstream": arr(str), "downstream": arr(str)],
                                               required: ["code", "name", "localFirms", "strength", "leaders"])),
                              "gaps": arr(obj(["link": str, "name": str, "reason": str])), "extend": arr(obj(["link": str, "name": str, "reason": str]))],
                             required: ["chain", "region", "links", "gaps", "extend"]),
        "ElectricityRow": obj(["code": str, "name": str, "firms": int, "electricity": num, "electricityYoy": numOrNull, "output": num,
                               "outputYoy": numOrNull, "elasticity": numOrNull, "correlation": numOrNull], required: ["code", "name", "firms", "electricity", "output"]),
        "ElectricityAnalysis": obj(["period": str, "whole": ref("ElectricityRow"), "regions": arr(ref("ElectricityRow")), "chains": arr(ref("ElectricityRow")),
                                    "divergent": arr(obj(["uscc": str, "name": str, "region": str, "electricityYoy": num, "outputYoy": num])),
                                    "divergentTotal": int]),
        "TalentMap": obj(["period": str,
                          "cells": arr(obj(["city": str, "cityName": str, "occupation": str, "occupationGroup": strOrNull, "chain": strOrNull,
                                            "skillLevel": strOrNull, "education": strOrNull, "experienceYears": numOrNull, "supply": int,
                                            "demand": int, "ratio": num, "stars": int, "medianSalary": numOrNull, "reason": str],
                                           required: ["city", "occupation", "supply", "demand", "ratio", "stars"])),
                          "cities": arr(obj(["code": str, "name": str, "supply": int, "demand": int, "ratio": num, "stars": int, "topShortages": arr(str)])),
                          "chains": arr(obj(["code": str, "name": str, "supply": int, "demand": int, "ratio": num, "stars": int, "topShortages": arr(str)]))]),
        "Criterion": obj(["criterion": str, "state": ["type": "string", "enum": ["met", "unmet", "unknown"]], "reason": str]),
        "PolicyAward": obj(["id": str, "policyId": str, "uscc": str, "route": str, "state": str, "amount": numOrNull, "basis": str,
                            "history": arr(obj(["state": str, "by": str, "at": str], required: ["state", "by", "at"])), "createdAt": str, "updatedAt": str],
                           required: ["id", "policyId", "uscc", "route", "state", "history"]),
        "PolicyList": obj(["items": arr(obj(["id": str, "name": str, "issuer": str, "category": str, "summary": str, "rule": str, "formula": str,
                                             "autoGrant": bool, "criteria": arr(str), "eligible": int, "incomplete": int, "ineligible": int,
                                             "awarded": int, "awardedAmount": num], required: ["id", "name", "rule", "criteria", "autoGrant"]))]),
        "PolicyMatchPage": obj(["total": int, "limit": int, "offset": int,
                                "items": arr(obj(["uscc": str, "name": str, "region": str, "outcome": str, "criteria": arr(ref("Criterion"))],
                                                 required: ["uscc", "name", "outcome", "criteria"]))]),
        "EnterprisePolicyMatches": obj(["items": arr(obj(["policyId": str, "policyName": str, "category": str, "autoGrant": bool, "outcome": str,
                                                          "criteria": arr(ref("Criterion")), "canApply": bool],
                                                         required: ["policyId", "policyName", "outcome", "criteria", "canApply"]))]),
        "PolicyApplication": obj(["note": str], required: []),
        "AwardAction": obj(["note": str, "amount": num], required: []),
        "ImportReport": obj(["kind": str, "fileName": str, "encoding": str, "rowsTotal": int, "rowsAccepted": int, "rowsRejected": int,
                             "rowsChanged": int, "problems": arr(obj(["row": int, "field": str, "value": str, "reason": str])),
                             "ignoredColumns": arr(str), "seenBefore": bool, "batchKey": str]),
    ]
}
