namespace Mesh.Hub.Storage;

/// <summary>What <see cref="HubStore.PushPolicy"/> did.</summary>
public enum PolicyPushStatus
{
    /// <summary>Stored and activated.</summary>
    Activated,

    /// <summary>The same version with the same text is already the site's newest; nothing changed.</summary>
    AlreadyHeld,

    /// <summary>The version is not newer than the site's newest; nothing changed.</summary>
    NotNewer,
}

/// <param name="Activation">The new activation (<see cref="PolicyPushStatus.Activated"/>) or the latest one of
/// the version already held (<see cref="PolicyPushStatus.AlreadyHeld"/>; null if it was never activated).</param>
/// <param name="Newest">The site's newest version before the push; null when it had none.</param>
public sealed record PolicyPushResult(PolicyPushStatus Status, StoredActivation? Activation, StoredPolicyVersion? Newest);
