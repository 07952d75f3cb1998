import Foundation
import Testing

@testable import LumenCLI

struct ArgumentTests {
    @Test func anAPIAddressIsAURLOrHostAndPort() {
        #expect(ServerAddress.url("http://127.0.0.1:9470")?.absoluteString == "http://127.0.0.1:9470")
        #expect(ServerAddress.url("127.0.0.1:9470")?.absoluteString == "http://127.0.0.1:9470")
        #expect(ServerAddress.url("localhost:9470")?.absoluteString == "http://localhost:9470")
        #expect(ServerAddress.url("[::1]:9470")?.absoluteString == "http://[::1]:9470")
        #expect(ServerAddress.url("ftp://host:21") == nil)
    }

    @Test func aListenAddressMayBeGivenAsAURL() {
        #expect(ServerAddress.hostAndPort("http://127.0.0.1:9470/") == "127.0.0.1:9470")
        #expect(ServerAddress.hostAndPort("127.0.0.1:9470") == "127.0.0.1:9470")
        #expect(ServerAddress.hostAndPort("https://[::1]:9470") == "[::1]:9470")
    }

    @Test func aRelativeTimeAfterTimeIsItsValueNotAnOption() throws {
        let command = try QueryCommand.parse(["up", "--time", "-5m"])
        #expect(command.time == "-5m")
        let joined = try QueryCommand.parse(["up", "--time=-1m"])
        #expect(joined.time == "-1m")
        let now = Date(timeIntervalSince1970: 1_000_000)
        #expect(TimeArgument.unixSeconds("-1m", now: now) == "999940")
    }

    @Test func aTimeThatIsNoTimeIsRefusedBeforeAnythingIsSent() {
        #expect(throws: (any Error).self) { try QueryCommand.parse(["up", "--time", "yesterday"]) }
    }

    @Test func everyCommandTakesTheSameOutputFormats() throws {
        for arguments in [
            ["query", "up"], ["trace", "0123"], ["tail", "{}"], ["services"], ["load"], ["version"],
        ] {
            for format in ["table", "json", "jsonl", "csv"] {
                _ = try Lumen.parseAsRoot(arguments + ["--output", format])
            }
        }
    }
}
