namespace Mesh.Cli.Approvals;

// The hub's approvals JSON API (GET /api/approvals, POST /api/approvals/{id}/approve|deny), as far as the
// CLI shows it; other fields are ignored.

internal sealed class ApprovalJson
{
    public string? Id { get; init; }

    public string? NodeId { get; init; }

    public string? Site { get; init; }

    public string? Device { get; init; }

    public string? Rule { get; init; }

    public string? Action { get; init; }

    public string? Role { get; init; }

    public string? Deadline { get; init; }

    public string? OnTimeout { get; init; }

    public string? State { get; init; }

    public ApprovalDecisionJson? Decision { get; init; }

    public ApprovalResolutionJson? Resolution { get; init; }
}

internal sealed class ApprovalDecisionJson
{
    public bool Approved { get; init; }

    public string? By { get; init; }

    public string? Comment { get; init; }

    public string? At { get; init; }

    public bool Late { get; init; }
}

internal sealed class ApprovalResolutionJson
{
    public string? Outcome { get; init; }

    public string? By { get; init; }

    public string? At { get; init; }

    public bool Executed { get; init; }
}
