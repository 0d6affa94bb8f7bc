namespace Mesh.Hub.Approvals;

// The bodies of the approval audit records as nodes write them (compact JSON, camelCase). Every property is
// optional here; NodeReportParser decides what a usable body must carry.

/// <summary>Body of an <c>ApprovalRequested</c> record.</summary>
internal sealed class ApprovalRequestedBody
{
    public string? ApprovalId { get; init; }

    public string? Rule { get; init; }

    public string? Action { get; init; }

    public string? Role { get; init; }

    /// <summary>The <c>seq</c> of the reading that caused the request.</summary>
    public long Seq { get; init; }

    public string? ReadingTs { get; init; }

    public string? Deadline { get; init; }

    /// <summary>ISO-8601 duration, e.g. <c>PT30M</c>.</summary>
    public string? MaxAge { get; init; }

    public string? OnTimeout { get; init; }

    public string? Offline { get; init; }
}

/// <summary>Body of an <c>ApprovalResolved</c> record; the record's Outcome field carries the outcome too.</summary>
internal sealed class ApprovalResolvedBody
{
    public string? ApprovalId { get; init; }

    public string? Outcome { get; init; }

    public string? By { get; init; }

    public string? Comment { get; init; }

    public string? DecidedAt { get; init; }

    public bool Executed { get; init; }
}

/// <summary>Body of an <c>ApprovalLate</c> record: a decision that came after the node settled the approval.</summary>
internal sealed class ApprovalLateBody
{
    public string? ApprovalId { get; init; }

    public bool Approved { get; init; }

    public string? By { get; init; }

    public string? Comment { get; init; }

    public string? DecidedAt { get; init; }

    public string? SettledAs { get; init; }
}
