using System.Text.Json;
using Mesh.Hub.Storage;

namespace Mesh.Hub.Access;

/// <summary>Writes the access events to the hub's action log (<c>/api/hub-actions</c>), next to the policy and
/// approval actions, each with the actor and how they authenticated (<c>detail.via</c>).</summary>
public sealed class AccessAudit(HubStore store, TimeProvider time)
{
    public const string LoginSucceeded = "login.success";
    public const string LoginFailed = "login.failure";

    /// <summary>This failure locked the name.</summary>
    public const string LoginLockedOut = "login.lockout";

    /// <summary>A login while the name is locked (refused whatever the password).</summary>
    public const string LoginWhileLocked = "login.locked";
    public const string Logout = "logout";

    public void Record(string actor, string action, string target, string via, IReadOnlyDictionary<string, object?>? detail = null)
    {
        var body = new Dictionary<string, object?> { ["via"] = via };
        if (detail is not null)
        {
            foreach (var (key, value) in detail)
                body[key] = value;
        }
        store.AppendHubAction(new HubActionDraft(Printable(actor), action, Printable(target), JsonSerializer.Serialize(body)),
            time.GetUtcNow().ToUnixTimeMilliseconds());
    }

    /// <summary>Names typed into a login form are untrusted: keep the log readable and bounded.</summary>
    public static string Printable(string text)
    {
        var clean = new string([.. text.Take(128).Select(c => char.IsControl(c) ? '?' : c)]);
        return clean.Length == 0 ? "(empty)" : clean;
    }
}
