using System.Collections.Concurrent;
using Mesh.Node.Audit;
using Mesh.Protocol.Audit;
using Mesh.Protocol.Policy;
using Microsoft.Extensions.Logging;

namespace Mesh.Node.Policy;

/// <summary>
/// Holds the node's active policy and decides which offered policy replaces it. Any policy replaces the
/// built-in one; otherwise the newer version wins;
/// from the hub, a newer activation also wins (that is how a rollback at the hub reaches the node). An
/// offer that fails to parse, names another site, or reuses an active version number with other content
/// is refused: the last good policy stays active and a <c>PolicyRejected</c> record says why. An accepted
/// policy is recorded (<c>PolicyActivated</c>, with its full text) before any decision is taken under it.
/// </summary>
public sealed class PolicyHost
{
    private readonly string _site;
    private readonly AuditJournal _journal;
    private readonly ILogger<PolicyHost> _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> _attributes;
    private readonly JournalLookup _lookup;
    private readonly ConcurrentDictionary<string, ActivePolicy> _known = new(StringComparer.Ordinal);
    private ActivePolicy _active;

    public PolicyHost(string site, SitePolicy builtIn, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> attributes,
        AuditJournal journal, JournalLookup lookup, ILogger<PolicyHost> logger)
    {
        _site = site;
        _journal = journal;
        _lookup = lookup;
        _logger = logger;
        _attributes = attributes;
        _active = Remember(new ActivePolicy(builtIn, PolicySource.BuiltIn, attributes));
    }

    /// <summary>The policy decisions are taken under now.</summary>
    public ActivePolicy Current => Volatile.Read(ref _active);

    /// <summary>The policy a record names (<see cref="SitePolicy.Ref"/>): one active in this process, or one the
    /// journal recorded as activated. Null if the journal never activated it.</summary>
    public ActivePolicy? Resolve(string policyRef)
    {
        if (_known.TryGetValue(policyRef, out var known))
            return known;
        foreach (var record in _lookup.PolicyActivations())
            if (!_known.ContainsKey(record.PolicyVersion) && PolicyDrafts.TryRestore(record, _attributes, out var restored, out _))
                _known.TryAdd(restored.Ref, restored);
        return _known.GetValueOrDefault(policyRef);
    }

    /// <summary>Policies with one ref have one text, so any of them serves <see cref="Resolve"/>; the newest is kept.</summary>
    private ActivePolicy Remember(ActivePolicy policy)
    {
        _known[policy.Ref] = policy;
        return policy;
    }

    /// <summary>Raised after a policy becomes active.</summary>
    public event Action<ActivePolicy>? Activated;

    /// <summary>Resumes the file or hub policy the journal last recorded as active (it carries the full text); with
    /// none, or when that was the built-in policy (whose rules come from this start's configuration), records the
    /// built-in policy, so a journal always says what its first decisions ran under.</summary>
    public async Task StartAsync(AuditRecord? lastActivated)
    {
        string? problem = null;
        var builtIn = false;
        if (lastActivated is not null && PolicyDrafts.TryRestore(lastActivated, _attributes, out var restored, out problem))
        {
            if (restored.Policy.Site != _site)
                problem = $"it is for site '{restored.Policy.Site}'";
            else if (restored.Source.Kind == PolicySource.BuiltIn.Kind)
                builtIn = true;
            else
            {
                Volatile.Write(ref _active, Remember(restored));
                PolicyLog.Activated(_logger, restored.Ref, _site, "journal, " + restored.Source);
                return;
            }
        }
        if (lastActivated is not null && !builtIn)
            PolicyLog.Rejected(_logger, $"journal record {lastActivated.Sequence}", Current.Ref, problem ?? "unreadable");
        // Recorded unless it is the last activation already: the built-in policy may have run before, under other rules since.
        if (!builtIn || lastActivated!.PolicyVersion != Current.Ref)
            await _journal.AppendAsync([PolicyDrafts.Activated(Current)]).ConfigureAwait(false);
    }

    /// <summary>Offers policy text from <paramref name="source"/>; returns what became of it.</summary>
    public async Task<PolicyOfferResult> OfferAsync(string text, string file, PolicySource source)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            var current = Current;
            var parsed = PolicyLoader.Parse(text, file);
            if (parsed.Policy is not { } candidate)
                return await RejectAsync(current, source, 0, "", [.. parsed.Errors.Select(e => e.ToString())]).ConfigureAwait(false);
            if (candidate.Site != _site)
                return await RejectAsync(current, source, candidate.Version, candidate.Sha256,
                    [$"{file}: the policy is for site '{candidate.Site}', but this node serves '{_site}'"]).ConfigureAwait(false);
            if (candidate.Sha256 == current.Policy.Sha256)
                return PolicyOfferResult.AlreadyActive;
            // Between the hub's own activations, its order decides, whatever the versions: a rollback is a newer
            // activation of an older version, and an older activation never undoes it.
            if (source.Kind == "hub" && current.Source.Kind == "hub" && source.Activation <= current.Source.Activation)
            {
                PolicyLog.Ignored(_logger, candidate.Ref, source.ToString(), current.Ref);
                return PolicyOfferResult.Older;
            }
            // Past the check above, a hub offer over a hub policy is a newer activation: the hub's instruction, even to
            // an older version (a rollback). It does not override a newer version from a local file.
            var replaceable = current.Source.Kind == PolicySource.BuiltIn.Kind || (source.Kind == "hub" && current.Source.Kind == "hub");
            if (candidate.Version == current.Policy.Version && !replaceable)
                return await RejectAsync(current, source, candidate.Version, candidate.Sha256,
                    [$"{file}: version {candidate.Version} is already active with other content (sha256 {current.Policy.Sha256[..12]}…); give the changed policy a higher version"]).ConfigureAwait(false);
            if (candidate.Version < current.Policy.Version && !replaceable)
            {
                PolicyLog.Ignored(_logger, candidate.Ref, source.ToString(), current.Ref);
                return PolicyOfferResult.Older;
            }

            var next = Remember(new ActivePolicy(candidate, source, _attributes));
            var draft = PolicyDrafts.Activated(next);
            await _journal.AppendAsync([draft]).ConfigureAwait(false);
            Volatile.Write(ref _active, next);
            PolicyLog.Activated(_logger, next.Ref, _site, source.ToString());
            Activated?.Invoke(next);
            return PolicyOfferResult.Activated;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<PolicyOfferResult> RejectAsync(ActivePolicy current, PolicySource source, long version, string sha256, IReadOnlyList<string> errors)
    {
        PolicyLog.Rejected(_logger, source.ToString(), current.Ref, errors[0]);
        await _journal.AppendAsync([PolicyDrafts.Rejected(_site, current, source, version, sha256, errors)]).ConfigureAwait(false);
        return PolicyOfferResult.Rejected;
    }
}

public enum PolicyOfferResult
{
    Activated,
    AlreadyActive,
    Older,
    Rejected,
}
