namespace Mesh.Node;

/// <summary>Who may connect to the embedded broker (section <c>Node:Devices</c>; docs/DEVICES.md).</summary>
public sealed record DeviceAccessOptions
{
    /// <summary>The site's devices file (<c>mesh device add</c> writes it); reloaded when it changes, a bad edit refused
    /// with the last good list kept. Empty (default): <c>&lt;DataDirectory&gt;/devices.yaml</c>.</summary>
    public string File { get; init; } = "";

    /// <summary>False (default): only devices in the devices file connect, each with its own id and password, and each
    /// publishes only its own telemetry and reads only its own commands. True: anyone may connect and publish anything
    /// (labs only).</summary>
    public bool AllowAnonymous { get; init; }

    /// <summary>How often the devices file is checked for changes. Default 1 s.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Most refusals recorded in the audit journal per minute (each refusal is still logged and counted), so
    /// that a device or stranger flooding the broker cannot fill the journal. Default 60.</summary>
    public int MaxAuditedRefusalsPerMinute { get; init; } = 60;

    /// <summary>The devices file's path, given the node's data directory.</summary>
    public string PathIn(string dataDirectory) => File.Length > 0 ? File : System.IO.Path.Combine(dataDirectory, "devices.yaml");
}
