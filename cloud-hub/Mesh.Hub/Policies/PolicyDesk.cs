using System.Text.Json;
using Mesh.Hub.Access;
using Mesh.Hub.Control;
using Mesh.Hub.Storage;
using Mesh.Protocol.Policy;

namespace Mesh.Hub.Policies;

/// <summary>Activates policies: stores each activation (with its entry in the action log) and only then
/// sends it to the site's nodes.</summary>
public sealed class PolicyDesk(HubStore store, ControlBroadcast broadcast, TimeProvider time, ILogger<PolicyDesk> logger)
{
    /// <summary>Stores a loaded policy as the site's newest version and activates it.</summary>
    public PolicyPushResult Push(SitePolicy policy, string file, HubActor by)
    {
        var stored = new StoredPolicyVersion(policy.Site, policy.Version, policy.Sha256, file, policy.Text, Now, by.Name);
        var result = store.PushPolicy(stored, a => new HubActionDraft(by.Name, HubActionDraft.PolicyPush, policy.Site,
            JsonSerializer.Serialize(new { version = a.Version, sha256 = a.Sha256, activation = a.Activation, file, via = by.Via })));
        if (result.Status == PolicyPushStatus.Activated)
            Activated(new ActivePolicy(result.Activation!, stored));
        return result;
    }

    /// <summary>Activates a stored version again; null when the site holds no such version.</summary>
    public ActivePolicy? Rollback(string site, long version, HubActor by, string comment)
    {
        var active = store.RollbackPolicy(site, version, Now, by.Name, comment, a => new HubActionDraft(by.Name, HubActionDraft.PolicyRollback, site,
            JsonSerializer.Serialize(new { version = a.Version, sha256 = a.Sha256, activation = a.Activation, comment, via = by.Via })));
        if (active is not null)
            Activated(active);
        return active;
    }

    private void Activated(ActivePolicy active)
    {
        var a = active.Activation;
        HubLog.PolicyActivated(logger, a.Site, a.Version, a.Sha256, a.Activation, a.By, a.Rollback);
        broadcast.PublishPolicy(active);
    }

    private long Now => time.GetUtcNow().ToUnixTimeMilliseconds();
}
