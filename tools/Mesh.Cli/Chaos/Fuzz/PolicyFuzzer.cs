using Mesh.Protocol.Policy;

namespace Mesh.Cli.Chaos.Fuzz;

/// <summary>
/// Policy files for <see cref="PolicyLoader"/>: the policies in <c>policies/</c> mutated, and structured garbage.
/// Promises checked (<see cref="YamlChecks"/>), and for an accepted policy: every rule renders, and it differs in
/// nothing from itself.
/// </summary>
public sealed class PolicyFuzzer(IReadOnlyList<string> seeds) : YamlFuzzTarget(seeds)
{
    public override FuzzKind Kind => FuzzKind.Policy;

    public override FuzzVerdict Check(string input)
    {
        var result = PolicyLoader.Parse(input, YamlChecks.File);
        if (YamlChecks.Errors(input, result.Policy is not null, [.. result.Errors.Select(e => (e.File, e.Line, e.Column, e.Message))]) is { } broken)
            return FuzzVerdict.Fail(broken);
        if (result.Policy is not { } policy)
            return FuzzVerdict.Reject(result.Errors[0].Message);
        foreach (var rule in policy.Rules)
            _ = PolicyText.Format(rule.When);
        if (PolicyDiff.Compare(policy, policy).HasChanges)
            return FuzzVerdict.Fail("an accepted policy differs from itself");
        return FuzzVerdict.Accept();
    }
}
