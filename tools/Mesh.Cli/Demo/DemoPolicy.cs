using Mesh.Protocol.Policy;

namespace Mesh.Cli.Demo;

/// <summary>
/// The policy the demo pushes to the hub for each site: <c>policies/site-a.yaml</c> (embedded in the CLI),
/// with the site id changed. Cooling on and off (allowed, rate-limited), and a vent that opens only with a
/// person's approval after three very hot readings within 30 s. The demo's operator approves every other
/// request; the rest time out and the policy's default (deny) applies.
/// </summary>
public static class DemoPolicy
{
    private const string Resource = "Mesh.Cli.Demo.site-a.yaml";
    private const string SiteLine = "site: site-a\n";
    private const string ResidencyLine = "  raw_readings_leave_site: false\n";

    /// <summary>The demo policy of <paramref name="site"/>; with <paramref name="readingsMayLeave"/>, its raw readings may
    /// leave the site (the router may then send the anomaly model's work to the cloud node).</summary>
    public static string For(string site, bool readingsMayLeave = false)
    {
        using var stream = typeof(DemoPolicy).Assembly.GetManifestResourceStream(Resource)
            ?? throw new InvalidOperationException($"resource {Resource} is missing from the build");
        var text = new StreamReader(stream).ReadToEnd().ReplaceLineEndings("\n");
        if (!text.Contains(SiteLine, StringComparison.Ordinal))
            throw new InvalidOperationException($"policies/site-a.yaml must contain the line '{SiteLine.Trim()}'");
        if (!text.Contains(ResidencyLine, StringComparison.Ordinal))
            throw new InvalidOperationException($"policies/site-a.yaml must contain the line '{ResidencyLine.Trim()}'");
        text = text.Replace(SiteLine, $"site: {site}\n", StringComparison.Ordinal);
        return readingsMayLeave ? text.Replace(ResidencyLine, "  raw_readings_leave_site: true\n", StringComparison.Ordinal) : text;
    }

    /// <summary>The version of the embedded policy (the same for every site).</summary>
    public static long Version { get; } = PolicyLoader.Parse(For("site-a"), "policies/site-a.yaml").Policy?.Version
        ?? throw new InvalidOperationException("policies/site-a.yaml is invalid: run 'mesh policy validate policies/site-a.yaml'");
}
