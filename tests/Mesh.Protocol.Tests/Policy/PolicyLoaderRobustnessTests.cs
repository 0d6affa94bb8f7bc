using Mesh.Protocol.Policy;

namespace Mesh.Protocol.Tests.Policy;

/// <summary>Whatever the text, the loader answers with a policy or with positioned errors; it never throws.</summary>
public class PolicyLoaderRobustnessTests
{
    private const string Seed = """
        site: demo
        version: 2
        groups:
          - id: coolers
            devices: ["cooler-*", 'fridge-0?']
            attributes: { kind: cooler }
            skills: [threshold, anomaly]
        rules:
          - id: overheat
            groups: [coolers]
            when:
              all:
                - { metric: temperature, gt: 30 }
                - not: { confidence: anomaly, lt: 0.5 }
                - count: { model: anomaly, output: score, ge: 0.9 }
                  within: 10m
                  at_least: 2
            action: cooling-on
            gate: require_approval
            approval: { role: operator, timeout: 15m, on_timeout: deny, offline: defer }
        rate_limits:
          - { action: "*", max: 6, per: 1h }
        routing: { max_latency: 50ms, daily_budget: 5.00, currency: EUR }
        """;

    private const string Noise = ":-[]{}#&*!|>'\"\t\n ,?%@`~0.9e";

    [Fact]
    public void Parse_SeedPolicy_Valid() => TestPolicies.Load(Seed);

    [Fact]
    public void Parse_RandomMutations_NeverThrowAndErrorsArePositioned()
    {
        var random = new Random(20240611);
        for (var i = 0; i < 3000; i++)
        {
            var text = Mutate(Seed, random, 1 + (i % 4));

            var result = PolicyLoader.Parse(text, "fuzz.yaml");

            (result.Policy is null).ShouldBe(result.Errors.Count > 0, text);
            foreach (var error in result.Errors)
            {
                error.Line.ShouldBeGreaterThanOrEqualTo(1, text);
                error.Column.ShouldBeGreaterThanOrEqualTo(1, text);
                error.Message.ShouldNotBeNullOrWhiteSpace();
            }
        }
    }

    private static string Mutate(string text, Random random, int edits)
    {
        var chars = new List<char>(text);
        for (var e = 0; e < edits && chars.Count > 0; e++)
        {
            var at = random.Next(chars.Count);
            switch (random.Next(4))
            {
                case 0:
                    chars.RemoveRange(at, Math.Min(random.Next(1, 8), chars.Count - at));
                    break;
                case 1:
                    chars.Insert(at, Noise[random.Next(Noise.Length)]);
                    break;
                case 2:
                    chars[at] = Noise[random.Next(Noise.Length)];
                    break;
                default:
                    var from = random.Next(chars.Count);
                    chars.InsertRange(at, chars.GetRange(from, Math.Min(random.Next(1, 30), chars.Count - from)));
                    break;
            }
        }
        return new string([.. chars]);
    }
}
