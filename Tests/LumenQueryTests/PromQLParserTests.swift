import LumenModel
import Testing

@testable import LumenQuery

struct PromQLParserTests {
    private func parse(_ text: String) throws -> Expr { try Parser.parsePromQL(text) }

    @Test func multiplicationBindsTighterThanAdditionAndPowerAssociatesRight() throws {
        guard case .binary(let sum) = try parse("1 + 2 * 3") else { Issue.record("not binary"); return }
        #expect(sum.op == .add)
        #expect(sum.rhs == .binary(BinaryExpr(op: .multiply, lhs: .number(2), rhs: .number(3))))
        guard case .binary(let power) = try parse("2 ^ 3 ^ 2") else { Issue.record("not binary"); return }
        #expect(power.lhs == .number(2))
        #expect(power.rhs == .binary(BinaryExpr(op: .power, lhs: .number(3), rhs: .number(2))))
    }

    @Test func unaryMinusBindsLooserThanPower() throws {
        #expect(try parse("-2 ^ 2") == .unary(negate: true, .binary(BinaryExpr(op: .power, lhs: .number(2), rhs: .number(2)))))
        #expect(try parse("-5") == .number(-5))
    }

    @Test func setOperatorsHaveTheirOwnPrecedence() throws {
        guard case .binary(let or) = try parse("a or b and c > 1") else { Issue.record("not binary"); return }
        #expect(or.op == .or)
        guard case .binary(let and) = or.rhs else { Issue.record("not and"); return }
        #expect(and.op == .and)
        guard case .binary(let comparison) = and.rhs else { Issue.record("not a comparison"); return }
        #expect(comparison.op == .greater)
    }

    @Test func aggregationsTakeGroupingBeforeOrAfterAndParameters() throws {
        let before = try parse("sum by (job) (rate(x[5m]))")
        let after = try parse("SUM(rate(x[5m])) BY (job)")
        #expect(before == after)
        guard case .aggregation(let topk) = try parse("topk without (a) (3, x)") else { Issue.record("no"); return }
        #expect(topk.op == "topk")
        #expect(topk.parameter == .number(3))
        #expect(topk.grouping == .without(["a"]))
        guard case .aggregation(let values) = try parse(#"count_values("v", x)"#) else { Issue.record("no"); return }
        #expect(values.parameter == .string("v"))
    }

    @Test func selectorsTakeRangesOffsetsAtAndSubqueries() throws {
        guard case .matrixSelector(let selector, let range) = try parse("x[5m] offset 1m @ end()") else {
            Issue.record("not a range selector"); return
        }
        #expect(range == 300_000_000_000)
        #expect(selector.modifiers == TimeModifiers(offset: 60_000_000_000, at: .end))
        guard case .subquery(_, let subRange, let step, _) = try parse("rate(x[1m])[30m:1m]") else {
            Issue.record("not a subquery"); return
        }
        #expect(subRange == 1_800_000_000_000)
        #expect(step == 60_000_000_000)
        guard case .subquery(_, _, let defaultStep, let modifiers) = try parse("x[5m:] @ 100") else {
            Issue.record("not a subquery"); return
        }
        #expect(defaultStep == nil)
        #expect(modifiers.at == .time(100_000_000_000))
    }

    @Test func vectorMatchingIsParsed() throws {
        guard case .binary(let binary) = try parse("a * on(instance) group_left(version) b") else {
            Issue.record("not binary"); return
        }
        #expect(binary.matching == BinaryExpr.Matching(on: true, labels: ["instance"], cardinality: .manyToOne(["version"])))
        guard case .binary(let comparison) = try parse("a > bool ignoring(x) b") else { Issue.record("no"); return }
        #expect(comparison.returnBool)
        #expect(comparison.matching?.on == false)
    }

    @Test func commentsAndNewlinesAreWhitespace() throws {
        #expect(try parse("sum(x # the total\n)") == parse("sum(x)"))
    }

    @Test func typeErrorsAndBadSyntaxSayWhereAndWhat() {
        let cases: [(String, String)] = [
            ("rate(x)", "expected type range vector"),
            ("1 > 2", "BOOL"),
            ("sum(x) by", "expected \"(\""),
            ("x[5m] offset", "expected a duration"),
            ("nope(x)", "unknown function"),
            ("1 and 2", "set operator"),
            ("(x + 1)[5m]", "ranges are only allowed"),
            (#"{a=~".*"}"#, "non-empty matcher"),
        ]
        for (text, message) in cases {
            do {
                _ = try Parser.parsePromQL(text)
                Issue.record("\(text) parsed")
            } catch {
                #expect(error.message.contains(message), "\(text): \(error.message)")
                #expect(error.position != nil, "\(text) has no position")
            }
        }
    }

    @Test func bracedLogAndSpanQueriesStillParseAsBefore() throws {
        guard case .logs = try Parser.parse(#"{service="cart"} |= "x""#) else { Issue.record("not logs"); return }
        guard case .spans = try Parser.parse("{duration > 1s}") else { Issue.record("not spans"); return }
        guard case .metrics = try Parser.parse(#"{service="cart"} + 1"#) else { Issue.record("not metrics"); return }
    }
}
