using System.Globalization;
using System.Text;
using Mesh.Node.Agents;
using Mesh.Node.Tests.Support;

namespace Mesh.Node.Tests.Decisions;

/// <summary>The core is a pure function, and a large policy decides exactly as its rules say.</summary>
public sealed class DeterminismTests
{
    private static readonly string Mixed = TestPolicies.WithRules("""
          - id: overheat
            when: { metric: temperature, gt: 30 }
            clear: { metric: temperature, lt: 29 }
            action: cooling-on
            clear_action: cooling-off
          - id: heat-alarm
            when: { count: { metric: temperature, gt: 31.5 }, within: 30s, at_least: 3 }
            clear: { metric: temperature, lt: 28 }
            action: vent-open
            gate: require_approval
            approval: { role: operator, timeout: 1m, on_timeout: deny, offline: defer }
          - id: humid
            when: { any: [ { metric: humidity, gt: 80 }, { not: { metric: fan, eq: 1 } } ] }
            action: fan-on
            gate: deny
        """, "rate_limits:\n  - { action: \"*\", max: 4, per: 1m }\n");

    private static List<DeviceEvents.ReadingProcessed> RunOnce(string yaml)
    {
        var run = new DeviceRun(TestPolicies.For(yaml));
        var events = new List<DeviceEvents.ReadingProcessed>();
        for (var i = 0; i < 60; i++)
        {
            var t = 27 + (i * 7 % 11) * 0.6;
            events.Add(run.Feed(i * 2, ("fan", i % 5 == 0 ? 0 : 1), ("humidity", 60 + i % 30), ("temperature", t)));
        }
        return events;
    }

    [Fact]
    public void Decide_SameInputsTwice_EqualEvents()
    {
        var a = RunOnce(Mixed);
        var b = RunOnce(Mixed);

        a.ShouldBe(b);
        a.Sum(e => e.Fired.Count).ShouldBeGreaterThan(10, "the sample must exercise the rules");
        a.SelectMany(e => e.Fired).Select(f => f.Gate).Distinct().Count().ShouldBeGreaterThanOrEqualTo(3);
    }

    [Fact]
    public void Decide_FiftyRules_ExactlyTheRulesWhoseConditionsHoldFire()
    {
        // Rule i reads metric m(i % 10) and fires above i; every fifth rule is a compound one.
        var yaml = new StringBuilder("site: site-a\nversion: 1\nrules:\n");
        for (var i = 0; i < 50; i++)
        {
            var when = i % 5 == 4
                ? $"{{ all: [ {{ metric: m{i % 10}, gt: {i} }}, {{ not: {{ metric: off, eq: {i} }} }} ] }}"
                : $"{{ metric: m{i % 10}, gt: {i} }}";
            yaml.Append(CultureInfo.InvariantCulture, $"  - id: r{i:D2}\n    when: {when}\n    action: a{i:D2}\n");
        }
        var policy = TestPolicies.For(yaml.ToString());
        policy.RuleCount.ShouldBe(50);
        var values = Enumerable.Range(0, 10).Select(m => ($"m{m}", m * 5.0 + 0.5)).Append(("off", 19.0)).ToArray();

        var fired = new DeviceRun(policy).Feed(0, values).Fired.Select(f => f.Rule).ToList();

        var expected = Enumerable.Range(0, 50).Where(i => i % 10 * 5.0 + 0.5 > i && i != 19).Select(i => $"r{i:D2}").ToList();
        fired.ShouldBe(expected);
        expected.Count.ShouldBeGreaterThan(5);
    }

    [Fact]
    public void Decide_BenchPolicyFile_CompilesFiftyRulesAndCools()
    {
        var text = File.ReadAllText(Path.Combine(RepoRoot(), "policies", "bench-50-rules.yaml"));
        var policy = TestPolicies.Active(text).For("dev-1");
        policy.RuleCount.ShouldBe(50);

        new DeviceRun(policy).Proposed(0, ("temperature", 31)).ShouldBe("cooling-on:Allowed");
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Mesh.sln")))
                return dir.FullName;
        throw new DirectoryNotFoundException("Mesh.sln not found above " + AppContext.BaseDirectory);
    }
}
