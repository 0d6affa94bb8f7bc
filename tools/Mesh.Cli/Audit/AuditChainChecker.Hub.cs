using System.Net.Http.Json;
using System.Text.Json;
using Mesh.Protocol.Audit;

namespace Mesh.Cli.Audit;

public static partial class AuditChainChecker
{
    /// <summary>Records asked for per request to the hub.</summary>
    public const int PageSize = 1000;

    private static readonly JsonSerializerOptions HubJson = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Verifies one node's chain as the hub serves it (<c>GET api/nodes/{id}/audit</c>, paged), and that the
    /// head the hub lists for the node (<c>GET api/nodes</c>) is the hash the chain has at that sequence.
    /// </summary>
    /// <param name="http">A client whose <see cref="HttpClient.BaseAddress"/> is the hub, for example <c>http://127.0.0.1:5080/</c>.</param>
    /// <param name="onVerified">Called with each record once it has verified, in order.</param>
    /// <param name="expected">The node's key as the auditor knows it; null to check checkpoints against the key the hub pinned.</param>
    public static async Task<ChainCheckResult> VerifyHubAsync(HttpClient http, string nodeId, IProgress<ChainCheckProgress>? progress = null, CancellationToken ct = default,
        Action<AuditRecord>? onVerified = null, ExpectedKey? expected = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeId);
        RequireBaseAddress(http);
        var source = HubSource(http);
        List<HubNodeJson> nodes;
        try
        {
            nodes = await ListNodesAsync(http, ct).ConfigureAwait(false);
        }
        catch (HubReadException ex)
        {
            return Result(new ChainWalk(nodeId, progress), source, ex.Message);
        }
        var node = nodes.Find(n => n.NodeId == nodeId);
        if (node is null)
        {
            var known = nodes.Count == 0 ? "it lists none" : "it lists " + string.Join(", ", nodes.Select(n => n.NodeId));
            return Result(new ChainWalk(nodeId, progress), source, $"the hub does not know node '{nodeId}' ({known})");
        }
        return await VerifyListedNodeAsync(http, node, progress, ct, onVerified, expected).ConfigureAwait(false);
    }

    /// <summary>Verifies every node the hub lists, as <see cref="VerifyHubAsync"/> does for one. When the hub
    /// cannot be read at all, the list holds one failed result with an empty node id.</summary>
    public static async Task<IReadOnlyList<ChainCheckResult>> VerifyHubAllAsync(HttpClient http, IProgress<ChainCheckProgress>? progress = null, CancellationToken ct = default)
    {
        RequireBaseAddress(http);
        List<HubNodeJson> nodes;
        try
        {
            nodes = await ListNodesAsync(http, ct).ConfigureAwait(false);
        }
        catch (HubReadException ex)
        {
            return [Result(new ChainWalk("", progress), HubSource(http), ex.Message)];
        }
        var results = new List<ChainCheckResult>(nodes.Count);
        foreach (var node in nodes)
            results.Add(await VerifyListedNodeAsync(http, node, progress, ct).ConfigureAwait(false));
        return results;
    }

    private static async Task<ChainCheckResult> VerifyListedNodeAsync(HttpClient http, HubNodeJson node, IProgress<ChainCheckProgress>? progress, CancellationToken ct,
        Action<AuditRecord>? onVerified = null, ExpectedKey? expected = null)
    {
        var nodeId = node.NodeId!;
        var source = HubSource(http);
        expected ??= string.IsNullOrEmpty(node.KeyFingerprint) ? null : new ExpectedKey(node.KeyFingerprint, "the key the hub pinned for the node");
        var walk = new ChainWalk(nodeId, progress, onVerified, expected: expected);
        ReadOnlyMemory<byte>? hashAtListed = node.LastSeq == 0 ? AuditRecordCodec.GenesisHash : null;
        try
        {
            long after = 0;
            while (!walk.Failed)
            {
                var url = $"api/nodes/{Uri.EscapeDataString(nodeId)}/audit?after={after}&limit={PageSize}";
                var page = await GetAsync<HubAuditPageJson>(http, url, ct).ConfigureAwait(false);
                if (page.NodeId is { } pageNode && pageNode != nodeId)
                    return Result(walk, source, $"asked the hub for node '{nodeId}' but it answered with node '{pageNode}'");
                var records = page.Records ?? [];
                if (records.Count == 0)
                    break;
                foreach (var record in records)
                {
                    if (!StepHubRecord(walk, record))
                        break;
                    if (record.Seq == node.LastSeq)
                        hashAtListed = walk.Head.Hash;
                }
                var next = page.NextAfter ?? records[^1].Seq;
                if (next <= after)
                    return Result(walk, source, $"the hub's paging does not advance (after={after} answered nextAfter={next})");
                after = next;
            }
        }
        catch (HubReadException ex)
        {
            return Result(walk, source, ex.Message);
        }
        return Result(walk, source, walk.Failed ? null : CheckListedHead(walk, node, hashAtListed));
    }

    private static bool StepHubRecord(ChainWalk walk, HubAuditRecordJson json)
    {
        byte[] canonical, hash;
        try
        {
            canonical = Convert.FromBase64String(json.Canonical ?? throw new FormatException("no 'canonical' field"));
            hash = Convert.FromHexString(json.Hash ?? throw new FormatException("no 'hash' field"));
        }
        catch (FormatException ex)
        {
            return walk.Fail(ChainProblem.Malformed, json.Seq, $"the hub's record is unreadable: {ex.Message}");
        }
        return walk.Step(json.Seq, canonical, hash, record => CrossCheck(json, record));
    }

    /// <summary>The fields a console shows next to the record must say what the hashed record says.</summary>
    private static string? CrossCheck(HubAuditRecordJson json, AuditRecord record)
    {
        if (json.Device is { } device && device != record.Device)
            return $"the hub lists device '{device}' but the record says '{record.Device}'";
        if (json.MessageKey is { } key && key != record.MessageKey)
            return $"the hub lists message key '{key}' but the record says '{record.MessageKey}'";
        if (json.PrevHash is { } prev && !prev.Equals(Convert.ToHexString(record.PreviousHash.Span), StringComparison.OrdinalIgnoreCase))
            return $"the hub lists previous hash {prev} but the record says {Convert.ToHexStringLower(record.PreviousHash.Span)}";
        return null;
    }

    private static string? CheckListedHead(ChainWalk walk, HubNodeJson node, ReadOnlyMemory<byte>? hashAtListed)
    {
        if (hashAtListed is not { } actual)
            return $"the hub lists node '{node.NodeId}' at sequence {node.LastSeq} but serves records only up to {walk.Head.Sequence}";
        if (string.IsNullOrEmpty(node.LastHash))
            return node.LastSeq == 0 ? null : $"the hub lists node '{node.NodeId}' at sequence {node.LastSeq} without its hash";
        byte[] listed;
        try
        {
            listed = Convert.FromHexString(node.LastHash);
        }
        catch (FormatException)
        {
            return $"the hub lists head hash '{node.LastHash}', which is not hex";
        }
        return listed.AsSpan().SequenceEqual(actual.Span)
            ? null
            : $"the hub lists head hash {ChainVerifier.Hex(listed)} at sequence {node.LastSeq}, but the chain it serves has {ChainVerifier.Hex(actual.Span)} there";
    }

    private static async Task<List<HubNodeJson>> ListNodesAsync(HttpClient http, CancellationToken ct)
    {
        var nodes = await GetAsync<List<HubNodeJson>>(http, "api/nodes", ct).ConfigureAwait(false);
        if (nodes.Find(n => string.IsNullOrEmpty(n.NodeId)) is not null)
            throw new HubReadException("the hub lists a node without a nodeId");
        return nodes;
    }

    private static async Task<T> GetAsync<T>(HttpClient http, string url, CancellationToken ct)
        where T : class
    {
        var where = http.BaseAddress is { } b ? new Uri(b, url).ToString() : url;
        try
        {
            using var response = await http.GetAsync(url, ct).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
                throw new HubReadException($"GET {where} answered {(int)response.StatusCode} {response.ReasonPhrase}"
                    + (HubConnection.AccessHint(response.StatusCode) is { } hint ? $": {hint}" : ""));
            return await response.Content.ReadFromJsonAsync<T>(HubJson, ct).ConfigureAwait(false)
                ?? throw new HubReadException($"GET {where} answered null");
        }
        catch (HttpRequestException ex)
        {
            throw new HubReadException($"cannot reach the hub ({where}): {ex.Message}. Is mesh-hub running there? Pass its address with --hub.");
        }
        catch (TaskCanceledException ex) when (!ct.IsCancellationRequested)
        {
            throw new HubReadException($"GET {where} timed out ({ex.Message})");
        }
        catch (JsonException ex)
        {
            throw new HubReadException($"GET {where} did not answer the expected JSON: {ex.Message}");
        }
    }

    private static void RequireBaseAddress(HttpClient http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (http.BaseAddress is null)
            throw new ArgumentException("the HttpClient needs BaseAddress set to the hub, for example http://127.0.0.1:5080/", nameof(http));
    }

    private static string HubSource(HttpClient http) => $"hub {http.BaseAddress}";

    /// <summary>The hub could not be read; the message says what to do.</summary>
    private sealed class HubReadException(string message) : Exception(message);
}
