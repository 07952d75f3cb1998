import Testing

@testable import LumenRender

struct ValueUnitTests {
    @Test func bytesScaleByPowersOf1024AndDecimalBytesByPowersOf1000() {
        #expect(ValueUnit.bytes.format(1536) == "1.5 KiB")
        #expect(ValueUnit.bytes.format(3 * 1024 * 1024 * 1024) == "3 GiB")
        #expect(ValueUnit.decbytes.format(1500) == "1.5 kB")
        #expect(ValueUnit.decbytes.format(999) == "999 B")
    }

    @Test func durationsPickTheUnitThatKeepsTheNumberShort() {
        #expect(ValueUnit.seconds.format(0.25) == "250ms")
        #expect(ValueUnit.seconds.format(0.000012) == "12µs")
        #expect(ValueUnit.seconds.format(90) == "1.5m")
        #expect(ValueUnit.milliseconds.format(1500) == "1.5s")
        #expect(ValueUnit.microseconds.format(250) == "250µs")
    }

    @Test func percentagesRatiosRatesAndShortNumbers() {
        #expect(ValueUnit.percent.format(42.123, decimals: 1) == "42.1%")
        #expect(ValueUnit.ratio.format(0.0325) == "3.25%")
        #expect(ValueUnit.reqps.format(1234) == "1.23K req/s")
        #expect(ValueUnit.short.format(1_500_000) == "1.5M")
        #expect(ValueUnit.short.format(-0.0001) == "0")
        #expect(ValueUnit.none.format(12345.678, decimals: 2) == "12345.68")
    }

    @Test func fixedDecimalsKeepTrailingZerosAndAutomaticOnesDropThem() {
        #expect(ValueUnit.short.format(2, decimals: 2) == "2.00")
        #expect(ValueUnit.short.format(2.5) == "2.5")
        #expect(ValueUnit.short.format(0) == "0")
    }

    @Test func nanAndInfinitiesAreWrittenAsPrometheusWritesThem() {
        #expect(ValueUnit.seconds.format(.nan) == "NaN")
        #expect(ValueUnit.bytes.format(.infinity) == "+Inf")
    }

    @Test func grafanaUnitNamesAreAccepted() {
        #expect(ValueUnit(name: "percentunit") == .ratio)
        #expect(ValueUnit(name: "us") == .microseconds)
        #expect(ValueUnit(name: "decbytes") == .decbytes)
        #expect(ValueUnit(name: "furlongs") == nil)
    }
}
