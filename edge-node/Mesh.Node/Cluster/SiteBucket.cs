using System.Collections.Immutable;
using Akka.DistributedData;
using Mesh.Protocol.Crdt;

namespace Mesh.Node.Cluster;

/// <summary>
/// A share of the site state replicated inside a site's cluster: the entries whose keys hash to this bucket, each merged
/// by its own CRDT rule (Protocol's <see cref="SiteEntry.Merge"/>). Bucketing keeps the number of Distributed Data keys
/// small however many devices the site has.
/// </summary>
public sealed class SiteBucket(ImmutableSortedDictionary<string, SiteEntry> entries) : IReplicatedData<SiteBucket>, ISiteMessage
{
    public const int Count = 16;

    public static readonly SiteBucket Empty = new(ImmutableSortedDictionary<string, SiteEntry>.Empty.WithComparers(StringComparer.Ordinal));

    public ImmutableSortedDictionary<string, SiteEntry> Entries { get; } = entries;

    public SiteBucket With(SiteEntry entry) =>
        new(Entries.SetItem(entry.Key, Entries.TryGetValue(entry.Key, out var existing) ? existing.Merge(entry) : entry));

    public SiteBucket Merge(SiteBucket other)
    {
        var merged = Entries;
        foreach (var (key, entry) in other.Entries)
            merged = merged.SetItem(key, merged.TryGetValue(key, out var mine) ? mine.Merge(entry) : entry);
        return new SiteBucket(merged);
    }

    public IReplicatedData Merge(IReplicatedData other) => Merge((SiteBucket)other);

    public static Key<SiteBucket> KeyOf(string entryKey) => Keys[(int)(StableHash(entryKey) % Count)];

    public static readonly IReadOnlyList<Key<SiteBucket>> Keys = [.. Enumerable.Range(0, Count).Select(i => new SiteBucketKey($"site-state/{i}"))];

    private static uint StableHash(string s)
    {
        var h = 2166136261u;
        foreach (var c in s)
            h = (h ^ c) * 16777619u;
        return h;
    }

    private sealed class SiteBucketKey(string id) : Key<SiteBucket>(id);
}
