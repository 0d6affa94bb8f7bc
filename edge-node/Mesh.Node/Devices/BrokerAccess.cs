using System.Security.Cryptography;
using System.Text;
using Mesh.Protocol;
using Mesh.Protocol.Approvals;
using Mesh.Protocol.Devices;
using Microsoft.Extensions.Options;

namespace Mesh.Node.Devices;

/// <summary>
/// The embedded broker's rules (docs/DEVICES.md). With credentials required (the default) a device connects with
/// username = client id = its id (or <c>&lt;id&gt;:&lt;suffix&gt;</c> for a second connection) and its own password, publishes only its own telemetry and subscribes only to its own
/// command and dead-letter topics. One more account: <see cref="SiteAccount"/>, whose password is the site token, for
/// local approval decisions (<c>mesh approvals approve --node-mqtt</c>). Each check returns null when allowed.
/// </summary>
public sealed class BrokerAccess(IOptions<NodeOptions> options, DeviceRegistry registry)
{
    /// <summary>Username of the site account; '$' cannot begin a device id, so it is never a device's.</summary>
    public const string SiteAccount = "$site";

    private readonly NodeOptions _options = options.Value;
    private readonly SiteId _site = new(options.Value.Site);

    /// <summary>True when anyone may connect and publish anything (<c>Node:Devices:AllowAnonymous</c>).</summary>
    public bool Open => _options.Devices.AllowAnonymous;

    /// <summary>Null when the connection may proceed; otherwise the refusal and whether it is about the client id.</summary>
    public (string Reason, bool ClientId)? CheckConnect(string clientId, string? username, string? password)
    {
        if (Open)
            return null;
        if (string.IsNullOrEmpty(username))
            return ("no username: a device connects with username = its device id and its password", false);
        if (username == SiteAccount)
            return CheckSiteAccount(clientId, password);
        if (registry.Authenticate(username, password) is { } problem)
            return (problem, false);
        // ':' cannot be in a device id, so '<id>:<suffix>' (a device's second connection) is never another device's client id.
        if (clientId != username && !clientId.StartsWith(username + ":", StringComparison.Ordinal))
            return ($"client id '{clientId}' is not the device id '{username}' (or '{username}:<suffix>'): a device connects with client id = username = its id", true);
        return null;
    }

    private (string Reason, bool ClientId)? CheckSiteAccount(string clientId, string? password)
    {
        var token = _options.Approvals.SiteToken;
        if (token.Length == 0)
            return ("the site account is closed: Node:Approvals:SiteToken is not set", false);
        if (password is null || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(password), Encoding.UTF8.GetBytes(token)))
            return ("wrong site token for the site account", false);
        // A client id a device uses would let the site account take over that device's session.
        if (registry.Contains(clientId.Split(':')[0]))
            return ($"client id '{clientId}' belongs to a device", true);
        return null;
    }

    /// <summary>Null when <paramref name="username"/> may publish to <paramref name="topic"/>.</summary>
    public string? CheckPublish(string? username, string topic)
    {
        if (Open)
            return null;
        if (username == SiteAccount)
            return topic == LocalApproval.Topic(_site) ? null : $"the site account may publish only to {LocalApproval.Topic(_site)}";
        return DeviceAcl.CheckPublish(_site, username ?? "", topic);
    }

    /// <summary>Null when <paramref name="username"/> may subscribe to <paramref name="filter"/>.</summary>
    public string? CheckSubscribe(string? username, string filter)
    {
        if (Open)
            return null;
        if (username == SiteAccount)
        {
            var prefix = LocalApproval.Topic(_site) + "/";
            var id = filter.StartsWith(prefix, StringComparison.Ordinal) && filter.EndsWith("/result", StringComparison.Ordinal)
                ? filter[prefix.Length..^"/result".Length]
                : "";
            return id.Length > 0 && id.AsSpan().IndexOfAny("/+#") < 0
                ? null
                : $"the site account may subscribe only to {prefix}<approval id>/result";
        }
        return DeviceAcl.CheckSubscribe(_site, username ?? "", filter);
    }
}
