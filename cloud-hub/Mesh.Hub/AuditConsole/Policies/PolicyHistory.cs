using Mesh.Hub.Storage;
using Mesh.Protocol.Policy;

namespace Mesh.Hub.AuditConsole.Policies;

/// <summary>A site's policy versions, newest first, each with its semantic diff against the version before it.</summary>
public sealed record PolicyHistory(string Site, ActivePolicy? Active, IReadOnlyList<PolicyVersionRow> Versions, IReadOnlyList<StoredActivation> Activations)
{
    public static PolicyHistory Read(HubStore store, string site)
    {
        // The listing leaves the texts out; a site has few versions, each read whole for its diff.
        var versions = store.ReadPolicyVersions(site).OrderBy(v => v.Version)
            .Select(v => store.ReadPolicyVersions(site, v.Version).FirstOrDefault() ?? v).ToList();
        var rows = new List<PolicyVersionRow>(versions.Count);
        SitePolicy? before = null;
        foreach (var v in versions)
        {
            var parsed = PolicyLoader.Parse(v.Text, v.File);
            IReadOnlyList<string> diff = parsed.Policy is null
                ? [$"this version does not parse here: {string.Join("; ", parsed.Errors.Select(e => e.ToString()))}"]
                : before is null ? ["the first version pushed"] : PolicyDiff.Compare(before, parsed.Policy).Lines().Skip(1).ToList();
            rows.Add(new PolicyVersionRow(v, diff));
            before = parsed.Policy ?? before;
        }
        rows.Reverse();
        return new PolicyHistory(site, store.FindActivePolicy(site), rows, store.ReadActivations(site).OrderByDescending(a => a.Activation).ToList());
    }
}

/// <param name="Diff">What changed from the version before, one line each (<c>+</c> added, <c>-</c> removed, <c>~</c> changed).</param>
public sealed record PolicyVersionRow(StoredPolicyVersion Version, IReadOnlyList<string> Diff);
