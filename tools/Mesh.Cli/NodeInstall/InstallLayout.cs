namespace Mesh.Cli.NodeInstall;

/// <summary>
/// Where an installed node's parts live: configuration under <c>/etc/mesh</c>, data under <c>/var/lib/mesh</c>, one
/// folder per release under <c>/opt/mesh/releases</c> with <c>/opt/mesh/current</c> linking to the running one, and the
/// systemd unit. A prefix relocates all of them (a test's temp folder, a box's <c>/srv/mesh</c>); the unit and the
/// configuration name the relocated paths, so what is written is what runs.
/// </summary>
public sealed record InstallLayout
{
    public const string ServiceName = "mesh-node";

    public InstallLayout(string prefix)
    {
        if (prefix.Any(char.IsWhiteSpace))
            throw new ArgumentException($"--prefix '{prefix}' contains whitespace: a systemd unit could not name its paths unquoted");
        Prefix = Path.GetFullPath(prefix);
    }

    /// <summary>The absolute prefix; <c>/</c> for a normal install.</summary>
    public string Prefix { get; }

    public bool IsSystemRoot => Prefix == "/";

    public string ConfigDirectory => Under("etc/mesh");

    public string ConfigFile => Path.Combine(ConfigDirectory, ServiceName + ".json");

    /// <summary>The site's devices file, beside the configuration (<c>mesh device add --file</c> writes it; the node only reads it).</summary>
    public string DevicesFile => Path.Combine(ConfigDirectory, "devices.yaml");

    public string DataDirectory => Under("var/lib/mesh");

    public string ReleasesDirectory => Under("opt/mesh/releases");

    /// <summary>The link to the release the unit runs; its target is relative (<c>releases/&lt;version&gt;</c>).</summary>
    public string Current => Under("opt/mesh/current");

    public string Executable => Path.Combine(Current, ServiceName);

    public string UnitFile => Under($"etc/systemd/system/{ServiceName}.service");

    public string Release(string version) => Path.Combine(ReleasesDirectory, version);

    /// <summary>The version <see cref="Current"/> links to; null when there is no link yet.</summary>
    public string? CurrentVersion() =>
        new FileInfo(Current).LinkTarget is { } target ? Path.GetFileName(target.TrimEnd('/')) : null;

    private string Under(string relative) => Path.Combine(Prefix, relative);
}
