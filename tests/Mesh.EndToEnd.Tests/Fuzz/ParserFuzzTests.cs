using Mesh.Cli.Chaos.Fuzz;

namespace Mesh.EndToEnd.Tests.Fuzz;

/// <summary>
/// 100,000 generated inputs per kind through the parsers a user's input reaches first: valid seeds mutated, structured
/// garbage, random bytes. Each must be accepted or refused with a precise error, never throw or hang
/// (<see cref="FuzzRunner"/>, the same code as <c>mesh chaos fuzz</c>). The seed is fixed so a failure is reproducible;
/// MESH_FUZZ_SEED runs others. A failure prints the seed, the input's index, the input and the command that reruns it.
/// </summary>
public abstract class ParserFuzzTests(FuzzKind kind)
{
    private const long Inputs = 100_000;

    private static int Seed => int.TryParse(Environment.GetEnvironmentVariable("MESH_FUZZ_SEED"), out var s) ? s : 20261124;

    [Fact]
    public void Fuzz_100000Inputs_EachAcceptedOrRefusedWithAPreciseError()
    {
        // A generous hang limit: on a CI box shared by other work one input may wait its turn for a while; a real hang never ends.
        var report = FuzzRunner.Run(kind, new FuzzOptions(Seed, Inputs) { HangLimit = TimeSpan.FromSeconds(30) });

        report.Failure.ShouldBeNull(report.Failure?.ToString());
        report.Inputs.ShouldBe(Inputs);
        report.Accepted.ShouldBeGreaterThan(Inputs / 50, "the generator reaches past the parser into validation");
        report.Rejected.ShouldBeGreaterThan(Inputs / 2, "most inputs are broken");
        report.TopReasons.Count.ShouldBeGreaterThan(20, "the inputs break in many different ways");
    }
}

public sealed class PayloadFuzzTests() : ParserFuzzTests(FuzzKind.Payload);

public sealed class PolicyFuzzTests() : ParserFuzzTests(FuzzKind.Policy);

public sealed class ProfileFuzzTests() : ParserFuzzTests(FuzzKind.Profile);
