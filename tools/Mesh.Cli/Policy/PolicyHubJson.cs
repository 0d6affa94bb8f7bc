using System.Text.Json;

namespace Mesh.Cli.Policy;

// The hub's policy API (camelCase JSON), as far as the CLI shows it; other fields are ignored.

/// <summary>Body of <c>POST api/sites/{site}/policies</c>.</summary>
internal sealed record PolicyPushJson(string Text, string File, string By);

/// <summary>Body of <c>POST api/sites/{site}/policies/rollback</c>.</summary>
internal sealed record PolicyRollbackJson(long ToVersion, string By, string? Comment);

/// <summary>The answer to a push or a rollback: the version now active and the activation that made it so.</summary>
internal sealed class PolicyActivatedJson
{
    public string? Site { get; init; }

    public long Version { get; init; }

    public string? Sha256 { get; init; }

    /// <summary>Whatever the hub numbers activations with (number or string); shown as written.</summary>
    public JsonElement Activation { get; init; }
}

/// <summary><c>GET api/sites/{site}/policies</c>.</summary>
internal sealed class PolicyHistoryJson
{
    public string? Site { get; init; }

    public PolicyActiveJson? Active { get; init; }

    public List<PolicyVersionJson>? Versions { get; init; }

    public List<PolicyActivationJson>? Activations { get; init; }

    public List<PolicyNodeJson>? Nodes { get; init; }
}

internal sealed class PolicyActiveJson
{
    public long Version { get; init; }

    public string? Sha256 { get; init; }

    public JsonElement Activation { get; init; }
}

internal sealed class PolicyVersionJson
{
    public long Version { get; init; }

    public string? Sha256 { get; init; }

    public string? PushedAt { get; init; }

    public string? PushedBy { get; init; }

    public bool Active { get; init; }
}

internal sealed class PolicyActivationJson
{
    public JsonElement Activation { get; init; }

    public long Version { get; init; }

    public string? At { get; init; }

    public string? By { get; init; }

    public bool Rollback { get; init; }

    public string? Comment { get; init; }
}

/// <summary>What a node reports it runs, and the last version it refused, if any.</summary>
internal sealed class PolicyNodeJson
{
    public string? NodeId { get; init; }

    public long? Version { get; init; }

    public string? Sha256 { get; init; }

    public string? At { get; init; }

    public PolicyRejectedJson? Rejected { get; init; }
}

internal sealed class PolicyRejectedJson
{
    public long Version { get; init; }

    public string? Reason { get; init; }

    public string? At { get; init; }
}
