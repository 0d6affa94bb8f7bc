namespace Mesh.Node.Replay;

/// <summary>A reading whose decisions on replay differ from those recorded. <paramref name="Sequence"/> is the
/// journal sequence of its Observation record; expected and got list <c>rule:action:outcome</c> (or <c>nothing</c>).</summary>
public sealed record ReplayDivergence(long Sequence, string Device, long ReadingSeq, string Expected, string Got);

/// <summary>What a replay found.</summary>
public sealed record ReplayReport(
    long Records,
    long Readings,
    long Decisions,
    int PoliciesSeen,
    IReadOnlyList<ReplayDivergence> Divergences,
    IReadOnlyList<string> Problems)
{
    public bool Clean => Divergences.Count == 0 && Problems.Count == 0;
}
