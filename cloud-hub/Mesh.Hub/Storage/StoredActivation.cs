namespace Mesh.Hub.Storage;

/// <summary>One activation of a site's policy at the hub: a push or a rollback. <see cref="Activation"/> grows
/// by one per activation of the site, so a node can tell a rollback from a stale message.</summary>
/// <param name="AtMs">Unix milliseconds (UTC).</param>
public sealed record StoredActivation(string Site, long Activation, long Version, string Sha256, long AtMs, string By, bool Rollback, string Comment);

/// <summary>The activation in force for a site, with the policy it activated.</summary>
public sealed record ActivePolicy(StoredActivation Activation, StoredPolicyVersion Policy);
