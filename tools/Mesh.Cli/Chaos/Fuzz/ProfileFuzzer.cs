using Mesh.Protocol.Profiles;

namespace Mesh.Cli.Chaos.Fuzz;

/// <summary>
/// Hardware profiles for <see cref="ProfileLoader"/>: the profiles in <c>hardware-profiles/</c> mutated, and structured
/// garbage. Promises checked (<see cref="YamlChecks"/>), and for an accepted profile: what <see cref="ProfileLoader.Write"/>
/// renders is read back, and renders the same again.
/// </summary>
public sealed class ProfileFuzzer(IReadOnlyList<string> seeds) : YamlFuzzTarget(seeds)
{
    public override FuzzKind Kind => FuzzKind.Profile;

    public override FuzzVerdict Check(string input)
    {
        var result = ProfileLoader.Parse(input, YamlChecks.File);
        if (YamlChecks.Errors(input, result.Profile is not null, [.. result.Errors.Select(e => (e.File, e.Line, e.Column, e.Message))]) is { } broken)
            return FuzzVerdict.Fail(broken);
        if (result.Profile is not { } profile)
            return FuzzVerdict.Reject(result.Errors[0].Message);
        var written = ProfileLoader.Write(profile);
        var again = ProfileLoader.Parse(written, YamlChecks.File);
        if (again.Profile is not { } reread)
            return FuzzVerdict.Fail($"an accepted profile, written out, is refused: {again.Errors[0]}");
        if (ProfileLoader.Write(reread) != written)
            return FuzzVerdict.Fail("an accepted profile, written out and read back, writes differently");
        return FuzzVerdict.Accept();
    }
}
