import Testing

@testable import LumenRules

/// Rule templates expand exactly as Prometheus expands them. The expected texts of `promtoolAgrees` were
/// read from `promtool test rules` (Prometheus 2.42) on the same templates, labels and value; the other
/// tests pin Go text/template semantics one at a time.
struct RuleTemplateTests {
    private let data = TemplateData(
        labels: ["__name__": "m", "job": "api", "instance": "h:1"], value: 1_234_567.5)

    private func expand(_ text: String, _ data: TemplateData? = nil, name: String = "__alert_T") throws -> String {
        try RuleTemplate(parsing: text, name: name).expand(data ?? self.data)
    }

    private func parseError(_ text: String) -> String? {
        do {
            _ = try RuleTemplate(parsing: text, name: "__alert_T")
            return nil
        } catch {
            return error.description
        }
    }

    @Test(arguments: [
        ("{{ $value }}", "1.2345675e+06"),
        ("{{ $value | humanize }}", "1.235M"),
        ("{{ humanize 1234567.0 }}", "1.235M"),
        ("{{ humanize 0.000123 }}", "123u"),
        ("{{ humanize1024 1048576.0 }}", "1Mi"),
        ("{{ humanizeDuration 93784.0 }}", "1d 2h 3m 4s"),
        ("{{ humanizeDuration 0.0012 }}", "1.2ms"),
        ("{{ humanizePercentage 0.12345 }}", "12.35%"),
        ("{{ humanizeTimestamp 1435065584.128 }}", "2015-06-23 13:19:44.128 +0000 UTC"),
        ("{{ printf \"%.2f\" $value }}", "1234567.50"),
        ("{{ $labels.job | toUpper }} {{ title \"hello world-foo_bar\" }} {{ toLower \"ABC\" }}",
         "API Hello World-Foo_bar abc"),
        ("{{ reReplaceAll \"(a+)b\" \"${1}X$1y\" \"aab cab\" }}", "aaX caX"),
        ("{{ if gt $value 1.0 }}big{{ else }}small{{ end }}", "big"),
        ("{{ range $k, $v := $labels }}{{ $k }}={{ $v }};{{ end }}", "__name__=m;instance=h:1;job=api;"),
        ("{{ with $labels.missing }}has{{ else }}none{{ end }}[{{ $labels.missing }}]", "none[]"),
        ("{{ len $labels }} {{ index $labels \"job\" }} {{ eq 1 1 }} {{ and 1 0 }} {{ or 0 \"x\" }} {{ not true }}",
         "3 api true 0 x false"),
        ("{{ $x := 5 }}{{ $x }}{{ $x = 7 }}{{ $x }}", "57"),
        ("a  {{- 1 -}}  b", "a1b"),
        ("{{ gt $value 1 }}",
         "<error expanding template: error executing template __alert_T: template: __alert_T:1:115: executing "
            + "\"__alert_T\" at <gt $value 1>: error calling gt: incompatible types for comparison>"),
        ("{{ printf \"%d|%5.1f|%-4s|%q|%x|%v|%g|%e\" 42 3.14159 \"ab\" \"q\\\"\" 255 1e6 0.000012 123456.789 }}",
         "42|  3.1|ab  |\"q\\\"\"|ff|1e+06|1.2e-05|1.234568e+05"),
        ("{{ $value | printf \"%.3e\" }} {{ printf \"%s\" 1.5 }} {{ printf \"%d\" }} {{ printf \"%d\" 1 2 }}",
         "1.235e+06 %!s(float64=1.5) %!d(MISSING) 1%!(EXTRA int=2)"),
        ("{{ humanize \"1234\" }} {{ humanize 0 }} {{ humanizeDuration 3661.5 }} {{ humanizeDuration -75.0 }} "
            + "{{ humanize1024 512.0 }}", "1.234k 0 1h 1m 1s -1m 15s 512"),
        ("{{ .Labels.job }} {{ .Value }} {{ .ExternalURL }}|{{ $externalURL }}", "api 1.2345675e+06 |"),
        ("{{ humanizeTimestamp 0.0015 }}|{{ humanizeTimestamp 1.5 }}|{{ humanizeTimestamp -1.5 }}",
         "1970-01-01 00:00:00.001 +0000 UTC|1970-01-01 00:00:01.5 +0000 UTC|1969-12-31 23:59:58.5 +0000 UTC"),
        ("{{ 123456.0 }} {{ 1234567.0 }} {{ 0.0001 }} {{ 0.00001 }} {{ 1e21 }} {{ 100.0 }} {{ -0.5 }}",
         "123456 1.234567e+06 0.0001 1e-05 1e+21 100 -0.5"),
        ("{{ toUpper $value }}",
         "<error expanding template: error executing template __alert_T: template: __alert_T:1:123: executing "
            + "\"__alert_T\" at <$value>: wrong type for value; expected string; got float64>"),
        ("{{ index $labels 1 }}",
         "<error expanding template: error executing template __alert_T: template: __alert_T:1:115: executing "
            + "\"__alert_T\" at <index $labels 1>: error calling index: value has type int; should be string>"),
        ("{{ .Nope }}",
         "<error expanding template: error executing template __alert_T: template: __alert_T:1:115: executing "
            + "\"__alert_T\" at <.Nope>: can't evaluate field Nope in type struct { Labels map[string]string; "
            + "ExternalLabels map[string]string; ExternalURL string; Value float64 }>"),
        ("{{ humanize true }}",
         "<error expanding template: error executing template __alert_T: template: __alert_T:1:115: executing "
            + "\"__alert_T\" at <humanize true>: error calling humanize: can't convert bool to float>"),
        ("{{ match \"^pa\" \"page\" }} {{ stripPort \"host:9090\" }} {{ parseDuration \"1m30s\" }} {{ graphLink \"up\" }}",
         "true host 90 /graph?g0.expr=up&g0.tab=0"),
    ])
    func promtoolAgrees(template: String, expected: String) throws {
        #expect(try expand(template) == expected)
    }

    /// Edge cases of every function and of Go's formatting, each checked against promtool 2.42.
    @Test(arguments: [
        ("{{ humanize 999.99 }}|{{ humanize 1000.0 }}|{{ humanize -0.001 }}|{{ humanize 1e-30 }}|{{ humanize 123456789012345678901234567890.0 }}",
         "1000|1k|-1m|1e-06y|1.235e+05Y"),
        ("{{ humanize1024 1023.0 }}|{{ humanize1024 1024.0 }}|{{ humanize1024 0.5 }}|{{ humanize1024 1e30 }}",
         "1023|1ki|0.5|8.272e+05Yi"),
        ("{{ humanizeDuration 59.9999 }}|{{ humanizeDuration 60.0 }}|{{ humanizeDuration 86400.0 }}|{{ humanizeDuration 0.000001234 }}|{{ humanizeDuration -0.5 }}",
         "60s|1m 0s|1d 0h 0m 0s|1.234us|-500ms"),
        ("{{ humanizePercentage 1 }}|{{ humanizePercentage 0.000012345 }}|{{ humanizePercentage \"0.5\" }}",
         "100%|0.001234%|50%"),
        ("{{ humanizeTimestamp 0 }}|{{ humanizeTimestamp 253402300800.0 }}|{{ humanizeTimestamp \"1.0001\" }}",
         "<error expanding template: error executing template __alert_T: template: __alert_T:1:141: executing \"__alert_T\" at <humanizeTimestamp 253402300800.0>: error calling humanizeTimestamp: 2.534023008e+11 cannot be represented as a nanoseconds timestamp since it overflows int64>"),
        ("{{ printf \"%v %v %v %v\" 1 1.0 \"s\" true }}|{{ printf \"%6.2f|%-8.3e|%+d|% d\" 3.14159 1234.5 5 7 }}",
         "1 1 s true|  3.14|1.234e+03|+5| 7"),
        ("{{ printf \"%x %X %o %b %c %q\" 255 255 8 5 65 \"a\\tb\" }}|{{ printf \"%s\" $labels }}|{{ printf \"%v\" $labels }}",
         "ff FF 10 101 A \"a\\tb\"|map[__name__:m instance:h:1 job:api]|map[__name__:m instance:h:1 job:api]"),
        ("{{ printf \"%t %t\" true 1 }}|{{ printf \"%z\" 1 }}|{{ printf \"%\" }}|{{ printf \"%.1f%%\" 12.34 }}",
         "true %!t(int=1)|%!z(int=1)|%!(NOVERB)|12.3%"),
        ("{{ printf \"%g %g %g %g\" 1e20 1e21 1e-5 123456789.0 }}|{{ printf \"%G %E\" 1e-7 12345.678 }}",
         "1e+20 1e+21 1e-05 1.23456789e+08|1E-07 1.234568E+04"),
        ("{{ printf \"%5s|%-5s|%.2s|%05s\" \"ab\" \"ab\" \"abcdef\" \"ab\" }}",
         "   ab|ab   |ab|000ab"),
        ("{{ title \"hello_world foo.bar foo-bar o'neil\" }}|{{ toUpper \"straße\" }}|{{ toLower \"ÀÉ\" }}",
         "Hello_world Foo.Bar Foo-Bar O'Neil|STRAßE|àé"),
        ("{{ reReplaceAll \"(\\\\w+)@(\\\\w+)\" \"$2 at $1\" \"bob@example alice@test\" }}|{{ reReplaceAll \"x*\" \"-\" \"abc\" }}|{{ reReplaceAll \"b\" \"$$\" \"abc\" }}|{{ reReplaceAll \"(b)\" \"$1x\" \"abc\" }}|{{ reReplaceAll \"(b)\" \"${1}x\" \"abc\" }}",
         "example at bob test at alice|-a-b-c-|a$c|ac|abxc"),
        ("{{ match \"a.c\" \"xabcx\" }}|{{ match \"^a\" \"ba\" }}",
         "true|false"),
        ("{{ len \"héllo\" }}|{{ index \"abc\" 1 }}|{{ slice \"abcdef\" 1 3 }}|{{ len .Labels }}",
         "6|98|bc|3"),
        ("{{ eq 1.0 1.0 }}|{{ eq \"a\" \"a\" }}|{{ ne \"a\" \"b\" }}|{{ lt 1 2 }}|{{ ge 2.5 2.5 }}",
         "true|true|true|true|true"),
        ("{{ eq 1 1.0 }}",
         "<error expanding template: error executing template __alert_T: template: __alert_T:1:115: executing \"__alert_T\" at <eq 1 1.0>: error calling eq: incompatible types for comparison>"),
        ("{{ and 1 2 }}|{{ or 0 \"\" }}|{{ and \"\" 3 }}|{{ not 0 }}|{{ not \"x\" }}",
         "2|||true|false"),
        ("{{ print 1 2 \"a\" \"b\" 3 }}|{{ println \"x\" 1 }}|{{ html \"<a href='x'>&</a>\" }}|{{ urlquery \"a b&c=d/é\" }}|{{ js \"it's <b>\" }}",
         "1 2ab3|x 1\n|&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;|a+b%26c%3Dd%2F%C3%A9|it\\'s \\u003Cb\\u003E"),
        ("{{ with $x := $labels.job }}{{ $x }}-{{ . }}{{ end }}|{{ range $i, $v := $labels }}{{ $i }}{{ end }}",
         "api-api|__name__instancejob"),
        ("{{ if and (eq $labels.job \"api\") (gt $value 100.0) }}yes{{ end }}|{{ if not (eq $labels.job \"api\") }}no{{ else if true }}elif{{ end }}",
         "yes|elif"),
        ("{{ $value | humanize | printf \"%s!\" }}|{{ $labels.job | len }}|{{ \"abc\" | printf \"%s-%s\" \"x\" }}",
         "1.235M!|3|x-abc"),
        ("{{ .Labels }}|{{ .ExternalLabels }}|{{ $labels.__name__ }}",
         "map[__name__:m instance:h:1 job:api]|map[]|m"),
        ("{{ range $k, $v := .Labels }}{{ if eq $k \"job\" }}{{ continue }}{{ end }}{{ $k }}{{ end }}",
         "__name__instance"),
        ("{{ -3 }}|{{ 0x1F }}|{{ 1e3 }}|{{ 'a' }}|{{ 1_000 }}|{{ 0o17 }}|{{ 017 }}|{{ .5 }}|{{ 0x1p-2 }}",
         "-3|31|1000|97|1000|15|15|0.5|0.25"),
        ("{{ nil }}",
         "<error expanding template: error executing template __alert_T: template: __alert_T:1:115: executing \"__alert_T\" at <nil>: nil is not a command>"),
        ("{{ $labels.job.foo }}",
         "<error expanding template: error executing template __alert_T: template: __alert_T:1:122: executing \"__alert_T\" at <$labels.job.foo>: can't evaluate field foo in type string>"),
        ("{{ printf \"%d\" 1.5 }}|{{ printf \"%s\" nil }}|{{ printf \"%d %d\" 1 }}",
         "%!d(float64=1.5)|%!s(<nil>)|1 %!d(MISSING)"),
        ("{{ index $labels \"nope\" }}|{{ index .Labels \"job\" }}",
         "|api"),
        ("{{ humanize \"abc\" }}",
         "<error expanding template: error executing template __alert_T: template: __alert_T:1:115: executing \"__alert_T\" at <humanize \"abc\">: error calling humanize: strconv.ParseFloat: parsing \"abc\": invalid syntax>"),
        ("{{ len 3 }}",
         "<error expanding template: error executing template __alert_T: template: __alert_T:1:115: executing \"__alert_T\" at <len 3>: error calling len: len of type int>"),
        ("{{ toUpper 3 }}",
         "<error expanding template: error executing template __alert_T: template: __alert_T:1:123: executing \"__alert_T\" at <3>: expected string; found 3>"),
        ("{{ gt \"a\" 1 }}",
         "<error expanding template: error executing template __alert_T: template: __alert_T:1:115: executing \"__alert_T\" at <gt \"a\" 1>: error calling gt: incompatible types for comparison>"),
        ("{{ stripPort \"[::1]:80\" }}|{{ stripPort \"example.com\" }}|{{ stripPort \"::1\" }}|{{ parseDuration \"1h\" }}|{{ parseDuration \"1.5m\" }}",
         "<error expanding template: error executing template __alert_T: template: __alert_T:1:219: executing \"__alert_T\" at <parseDuration \"1.5m\">: error calling parseDuration: not a valid duration string: \"1.5m\">"),
        ("{{ tableLink \"rate(x[5m]) > 1\" }}|{{ safeHtml \"<b>\" }}|{{ args 1 \"a\" }}",
         "/graph?g0.expr=rate%28x%5B5m%5D%29+%3E+1&g0.tab=1|<b>|map[arg0:1 arg1:a]"),
        ("{{ 1.5 }}|{{ 100000000.0 }}|{{ 0.1 }}|{{ 3.0e-5 }}|{{ 12345678.9 }}",
         "1.5|1e+08|0.1|3e-05|1.23456789e+07"),
    ])
    func promtoolAgreesOnEdges(template: String, expected: String) throws {
        #expect(try expand(template) == expected)
    }

    @Test func theDataRootAndExternalValuesAreThere() throws {
        let data = TemplateData(labels: ["service": "cart"], value: 0.25, externalLabels: ["cluster": "eu"],
                                externalURL: "http://lumen:9090/")
        #expect(try expand("{{ $externalLabels.cluster }} {{ .ExternalLabels.cluster }} {{ externalURL }}", data)
                == "eu eu http://lumen:9090/")
        #expect(try expand("{{ $.Labels.service }} {{ pathPrefix }}", data) == "cart /")
    }

    @Test func lumensContextVariablesExpandAndAreEmptyWhenNotGiven() throws {
        let template = try RuleTemplate(
            parsing: "{{ range $exemplars }}{{ . }} {{ end }}|{{ $traceCommand }}|{{ len $topLogTemplates }}")
        #expect(template.contextVariablesUsed == ["exemplars", "traceCommand", "topLogTemplates"])
        #expect(template.expand(data) == "||0")
        let extras: [String: TemplateValue] = [
            "exemplars": ["4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7a3ce929d0e0e4736"],
            "traceCommand": "lumen trace 4bf92f3577b34da6a3ce929d0e0e4736",
            "topLogTemplates": ["timeout after <*> ms"],
        ]
        #expect(template.expand(TemplateData(labels: [:], value: 1, extras: extras))
                == "4bf92f3577b34da6a3ce929d0e0e4736 00f067aa0ba902b7a3ce929d0e0e4736 |"
                + "lumen trace 4bf92f3577b34da6a3ce929d0e0e4736|1")
        #expect(try RuleTemplate(parsing: "{{ $value }}").contextVariablesUsed.isEmpty)
    }

    @Test func parseErrorsSayWhatGoSays() {
        #expect(parseError("{{ humanise $value }}") == "template: __alert_T:1: function \"humanise\" not defined")
        #expect(parseError("{{ $nope }}") == "template: __alert_T:1: undefined variable \"$nope\"")
        #expect(parseError("{{ if true }}x") == "template: __alert_T:1: unexpected EOF")
        #expect(parseError("x{{ end }}") == "template: __alert_T:1: unexpected {{end}}")
        #expect(parseError("{{ $value ") == "template: __alert_T:1: unclosed action")
        #expect(parseError("line one\n{{ \"open }}") == "template: __alert_T:2: unterminated quoted string")
        #expect(parseError("{{ 1 | 2 }}") == "template: __alert_T:1: non executable command in pipeline stage 2")
        #expect(parseError("{{ break }}") == "template: __alert_T:1: {{break}} outside {{range}}")
        #expect(parseError("{{}}") == "template: __alert_T:1: missing value for command")
        #expect(parseError("{{ template \"x\" }}") != nil)
    }

    @Test func variablesGoOutOfScopeAtEnd() {
        #expect(parseError("{{ if true }}{{ $x := 1 }}{{ end }}{{ $x }}")
                == "template: __alert_T:1: undefined variable \"$x\"")
    }

    @Test func elseIfChainsAndWithRebindsDot() throws {
        let template = "{{ if lt $value 1.0 }}low{{ else if lt $value 10.0 }}mid{{ else }}high{{ end }}"
        #expect(try expand(template, TemplateData(labels: [:], value: 5)) == "mid")
        #expect(try expand(template, TemplateData(labels: [:], value: 50)) == "high")
        #expect(try expand("{{ with $labels.job }}job={{ . }}{{ end }}") == "job=api")
    }

    @Test func rangeOverAListWithBreakContinueAndElse() throws {
        let data = TemplateData(labels: [:], value: 0, extras: ["exemplars": ["a", "b", "c", "d"]])
        #expect(try expand("{{ range $i, $e := $exemplars }}{{ if eq $i 1 }}{{ continue }}{{ end }}"
                           + "{{ if eq $e \"d\" }}{{ break }}{{ end }}{{ $i }}{{ $e }}{{ end }}", data) == "0a2c")
        #expect(try expand("{{ range $topLogTemplates }}x{{ else }}none{{ end }}", data) == "none")
    }

    @Test func commentsAndTrimMarkers() throws {
        #expect(try expand("a {{/* note */}} b {{- /* trimmed */ -}} c") == "a  bc")
        #expect(try expand("{{- 3 }}{{-3}}") == "3-3")
    }

    @Test func stringsAndRawStringsUnquote() throws {
        #expect(try expand(#"{{ "tab\there" }}|{{ `raw\n` }}|{{ "\u00e9\x41" }}"#) == "tab\there|raw\\n|éA")
        #expect(try expand(#"{{ printf "%q" "a\nb" }}"#) == #""a\nb""#)
    }

    @Test func comparisonsFollowGo() throws {
        #expect(try expand("{{ eq \"a\" \"b\" \"a\" }} {{ ne 1 2 }} {{ le 2 2 }} {{ ge 1.5 2.5 }} {{ lt \"a\" \"b\" }}")
                == "true true true false true")
        #expect(try expand("{{ eq $labels.nope \"\" }}") == "true")
        #expect(try expand("{{ lt true false }}").contains("invalid type for comparison"))
    }

    @Test func andOrShortCircuit() throws {
        // `index` of a missing list position would fail; `and` stops before it.
        #expect(try expand("{{ and false (index $exemplars 5) }}") == "false")
        #expect(try expand("{{ or \"set\" (index $exemplars 5) }}") == "set")
        #expect(try expand("{{ and true (index $exemplars 5) }}").contains("index out of range: 5"))
    }

    @Test func numbersPrintAsGoPrintsFloat64() {
        #expect(GoFormat.float(0.1) == "0.1")
        #expect(GoFormat.float(1e-7) == "1e-07")
        #expect(GoFormat.float(-2.5e100) == "-2.5e+100")
        #expect(GoFormat.float(.nan) == "NaN")
        #expect(GoFormat.float(-.infinity) == "-Inf")
        #expect(GoFormat.float(999_999) == "999999")
        #expect(GoFormat.float(5e-324) == "5e-324")
        #expect(GoFormat.sprintf("%.4g|%.4g|%+.1f|%05d|%5.2f%%", [.float(.infinity), .float(.nan), .float(2), .int(-42),
                                                                    .float(99.5)]) == "+Inf|NaN|+2.0|-0042|99.50%")
    }

    @Test func humanizeCoversEveryPrefixAndEdge() {
        #expect(TemplateFunction.humanize(1e27) == "1000Y")
        #expect(TemplateFunction.humanize(-1500) == "-1.5k")
        #expect(TemplateFunction.humanize(1e-25) == "0.1y")
        #expect(TemplateFunction.humanize(.infinity) == "+Inf")
        #expect(TemplateFunction.humanize1024(-2048) == "-2ki")
        #expect(TemplateFunction.humanizeDuration(.nan) == "NaN")
        #expect(TemplateFunction.humanizeDuration(0) == "0s")
        #expect(TemplateFunction.humanizeDuration(59.99) == "59.99s")
        #expect(TemplateFunction.humanizeDuration(1e30) != "")  // beyond int64: Go's conversion, no trap
    }

    @Test func reReplaceAllFollowsGosEmptyMatchRule() throws {
        #expect(try expand(#"{{ reReplaceAll "a*" "X" "baaac" }}"#) == "XbXcX")
        #expect(try expand(#"{{ reReplaceAll "^foo" "x" "foofoo" }}"#) == "xfoo")
        #expect(try expand(#"{{ reReplaceAll "(?P<word>\\w+)" "<${word}>" "hi you" }}"#) == "<hi> <you>")
        #expect(try expand(#"{{ reReplaceAll "(" "x" "y" }}"#).contains("error calling reReplaceAll: regexp: Compile(`(`)"))
    }

    @Test func queryResultsWorkWithFirstLabelAndValue() throws {
        let data = TemplateData(labels: [:], value: 0) { query in
            [TemplateSample(labels: ["instance": "b"], value: 2), TemplateSample(labels: ["instance": "a"], value: 1)]
        }
        #expect(try expand(#"{{ with query "up" }}{{ . | first | value }} {{ range sortByLabel "instance" . }}"#
                           + #"{{ label "instance" . }}{{ end }}{{ end }}"#, data) == "2 ab")
        #expect(try expand(#"{{ query "up" }}"#).contains("no query function"))
    }

    @Test func outputIsBounded() throws {
        let data = TemplateData(labels: [:], value: 0, extras: ["exemplars": .list(Array(repeating: "x", count: 2000))])
        let huge = "{{ range $exemplars }}{{ range $exemplars }}{{ printf \"%1000s\" . }}{{ end }}{{ end }}"
        #expect(try expand(huge, data).contains("output exceeds"))
    }
}
