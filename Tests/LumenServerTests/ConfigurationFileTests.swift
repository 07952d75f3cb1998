import Foundation
import LumenModel
import LumenQuery
import Testing

@testable import LumenServer

/// A typo in the configuration file is an error that says where and what was meant, at every level.
struct ConfigurationFileTests {
    private func error(_ yaml: String, file: String = "lumen.yaml") -> String? {
        do {
            _ = try ConfigurationFile.decode(yaml: yaml, file: file)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func aMisspeltKeyNamesTheFileLineKeyAndTheNearestKnownKey() {
        let yaml = """
            data_dir: /var/lib/lumen
            storage:
              retension: 7d
            """
        #expect(error(yaml) == #"unknown key "storage.retension" at lumen.yaml:3 — did you mean "storage.retention"?"#)
    }

    @Test func aKeyWrittenAtTheWrongLevelSuggestsWhereItBelongs() {
        #expect(error("retension: 7d\n")
            == #"unknown key "retension" at lumen.yaml:1 — did you mean "storage.retention"?"#)
        #expect(error("# settings\n\nmax_samples: 10\n")
            == #"unknown key "max_samples" at lumen.yaml:3 — did you mean "query.max_samples"?"#)
    }

    @Test(arguments: [
        ("lisen:\n  api: 127.0.0.1:9470\n", "lisen", "listen"),
        ("listen:\n  otlp_htp: 127.0.0.1:4318\n", "listen.otlp_htp", "listen.otlp_http"),
        ("limits:\n  default:\n    max_active_series: 10\n", "limits.default", "limits.defaults"),
        ("limits:\n  defaults:\n    max_active_serie: 10\n", "limits.defaults.max_active_serie",
         "limits.defaults.max_active_series"),
        ("limits:\n  tenants:\n    team-a:\n      max_log_line_byte: 100\n", "limits.tenants.team-a.max_log_line_byte",
         "limits.tenants.team-a.max_log_line_bytes"),
        ("overload:\n  max_inflight_bytes: 10\n", "overload.max_inflight_bytes", "overload.max_in_flight_bytes"),
        ("query:\n  timout: 2m\n", "query.timout", "query.timeout"),
        ("dataDir: /tmp/x\n", "dataDir", "data_dir"),
    ])
    func everyLevelOfTheFileIsChecked(_ yaml: String, _ key: String, _ suggestion: String) {
        let message = error(yaml)
        #expect(message?.hasPrefix("unknown key \"\(key)\" at lumen.yaml:") == true, "\(message ?? "no error")")
        #expect(message?.hasSuffix("did you mean \"\(suggestion)\"?") == true, "\(message ?? "no error")")
    }

    @Test func aKeyLikeNoKnownKeyListsTheKeysOfItsLevel() throws {
        let message = try #require(error("storage:\n  zebra: 1\n"))
        #expect(message.hasPrefix(#"unknown key "storage.zebra" at lumen.yaml:2; known keys here: block_duration, "#))
    }

    @Test func freeKeysOfTokensAndTenantsAreNotTypos() throws {
        let yaml = """
            tokens:
              anything-goes: team-a
            limits:
              tenants:
                whatever-tenant:
                  max_body_bytes: 1000
            """
        #expect(error(yaml) == nil)
    }

    @Test func whatPrintConfigWritesIsAcceptedBack() throws {
        var configuration = ServerConfiguration()
        configuration.tokens = ["secret": Tenant("team-a")!]
        configuration.limits.overrides["team-a"] = IngestLimits()
        configuration.rules = ["rules/*.yaml", "_lumen=Rules/lumen.yaml"]
        configuration.externalURL = "https://lumen.example.com"
        configuration.externalLabels = ["cluster": "eu-1"]
        let printed = try ConfigurationFile(configuration).yaml()
        #expect(error(printed) == nil, "\(printed)")
        var readBack = ServerConfiguration()
        try ConfigurationFile.decode(yaml: printed, file: "printed.yaml").apply(to: &readBack)
        #expect(readBack.rules == configuration.rules && readBack.externalURL == configuration.externalURL)
        #expect(readBack.externalLabels == configuration.externalLabels)
    }

    @Test func rulesEntriesNameTheirTenantAndExternalSettingsAreChecked() throws {
        let prefixed = try RuleSource("_lumen=Rules/lumen.yaml")
        #expect(prefixed.tenant == Tenant("_lumen") && prefixed.pattern == "Rules/lumen.yaml")
        let path = try RuleSource("rules/a=b/x.yaml")
        #expect(path.tenant == nil && path.pattern == "rules/a=b/x.yaml")
        #expect(throws: RuleSource.Error.self) { try RuleSource("bad tenant=x.yaml") }
        #expect(throws: RuleSource.Error.self) { try RuleSource("team-a=") }
        let grouped = try RuleSource.byTenant(["a.yaml", "t=b.yaml", "c.yaml"], defaultTenant: .anonymous)
        #expect(grouped.map(\.0.id) == ["anonymous", "t"] && grouped.map(\.1) == [["a.yaml", "c.yaml"], ["b.yaml"]])
        func apply(_ yaml: String) -> String? {
            var configuration = ServerConfiguration()
            do {
                try ConfigurationFile.decode(yaml: yaml, file: "c.yaml").apply(to: &configuration)
                return nil
            } catch {
                return "\(error)"
            }
        }
        #expect(apply("rules: [\"no tenant=x.yaml\"]\n")?.contains("is not a valid tenant ID") == true)
        #expect(apply("external_url: lumen.example.com\n")?.contains("external_url:") == true)
        #expect(apply("external_labels: {\"bad-name\": x}\n")?.contains("not a valid label name") == true)
        #expect(apply("external_url: https://lumen.example.com/\nexternal_labels: {cluster: eu-1}\n") == nil)
    }

    @Test func loadNamesThePathItWasGiven() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lumen-\(UUID()).yaml").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "storage:\n  retension: 7d\n".write(toFile: path, atomically: true, encoding: .utf8)
        let thrown = try #require(throws: ConfigurationFile.Error.self) { try ConfigurationFile.load(path) }
        #expect(thrown.description.contains("at \(path):2"))
    }

    @Test func nearestNameIgnoresCaseCountsSwapsAsOneEditAndSuggestsNothingFarAway() {
        #expect(NearestName.distance("retension", "retention") == 1)
        #expect(NearestName.distance("erorr", "error") == 1)
        #expect(NearestName.distance("ERROR", "error") == 0)
        #expect(NearestName.distance("", "abc") == 3)
        #expect(NearestName.suggestion(for: "eror", among: ["unset", "ok", "error"]) == "error")
        #expect(NearestName.suggestion(for: "pending", among: ["unset", "ok", "error"]) == nil)
        // Far longer than any candidate: no suggestion (and no edit table: the lengths alone rule it out).
        #expect(NearestName.suggestion(for: String(repeating: "retention", count: 200), among: ["retention"]) == nil)
        #expect(NearestName.suggestion(for: "retentions", among: ["retention"]) == "retention")
    }
}
