using Mesh.Protocol.Policy;

namespace Mesh.Cli.Policy;

/// <summary><c>mesh policy validate | diff | schema</c>: local work on policy files, no hub needed. Errors are printed
/// one per line as <c>file:line:column: message</c>, the form editors and CI logs link to the place.</summary>
internal static class PolicyFilesConsole
{
    public static int Validate(IReadOnlyList<string> files, TextWriter output)
    {
        var bad = 0;
        foreach (var file in files)
        {
            var result = PolicyLoader.LoadFile(file);
            if (result.Policy is { } policy)
                output.WriteLine(Describe(file, policy));
            else
                bad++;
            WriteErrors(result.Errors, output);
        }
        return bad == 0 ? ExitCodes.Ok : ExitCodes.Failure;
    }

    public static int Diff(string oldFile, string newFile, TextWriter output)
    {
        var before = PolicyLoader.LoadFile(oldFile);
        var after = PolicyLoader.LoadFile(newFile);
        WriteErrors(before.Errors, output);
        WriteErrors(after.Errors, output);
        if (before.Policy is null || after.Policy is null)
            return ExitCodes.Failure;
        foreach (var line in PolicyDiff.Compare(before.Policy, after.Policy).Lines())
            output.WriteLine(line);
        return ExitCodes.Ok;
    }

    public static int Schema(TextWriter output)
    {
        output.Write(PolicySchema.Json);
        return ExitCodes.Ok;
    }

    /// <summary><c>FILE: ok (site S, version V, N rules, sha256 HEX)</c>.</summary>
    public static string Describe(string file, SitePolicy policy) =>
        $"{file}: ok (site {policy.Site}, version {policy.Version}, {policy.Rules.Count} rule{(policy.Rules.Count == 1 ? "" : "s")}, sha256 {policy.Sha256})";

    public static void WriteErrors(IEnumerable<PolicyError> errors, TextWriter output)
    {
        foreach (var error in errors)
            output.WriteLine(error.ToString());
    }
}
