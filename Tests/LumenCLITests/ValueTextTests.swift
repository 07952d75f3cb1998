import Testing

@testable import LumenCLI

struct ValueTextTests {
    @Test func aFloatKeepsThreeSignificantDigits() {
        #expect(ValueText.format("0.004870159199999999") == "0.00487")
        #expect(ValueText.format("0.3333333333") == "0.333")
        #expect(ValueText.format("2.3456") == "2.35")
        #expect(ValueText.format("0.1") == "0.1")
        #expect(ValueText.format("0.9999") == "1")
        #expect(ValueText.format("-0.0123456") == "-0.0123")
    }

    @Test func wholeDigitsAreNeverRoundedAway() {
        #expect(ValueText.format("1520") == "1520")
        #expect(ValueText.format("12345.678") == "12346")
        #expect(ValueText.format("123.456") == "123")
        #expect(ValueText.format("31.5") == "31.5")
    }

    @Test func secondsReadAsADuration() {
        #expect(ValueText.format("0.004870159199999999", seconds: true) == "4.87ms")
        #expect(ValueText.format("1.5", seconds: true) == "1.5s")
        #expect(ValueText.format("0.00025", seconds: true) == "250µs")
        #expect(ValueText.format("0", seconds: true) == "0")
    }

    @Test func whatIsNotAFiniteNumberIsLeftAsItIs() {
        #expect(ValueText.format("NaN") == "NaN")
        #expect(ValueText.format("+Inf", seconds: true) == "+Inf")
        #expect(ValueText.format("1e-9") == "1.00e-09")
    }
}
