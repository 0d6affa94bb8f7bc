using System.Net;
using System.Net.Sockets;
using Mesh.Cli.NodeInstall;
using Mesh.Node;
using Mesh.Protocol.Profiles;
using Microsoft.Extensions.Options;

namespace Mesh.Cli.NodeDoctor;

/// <summary>
/// Checks an installed (or about to be installed) node without starting it: its configuration by the node's own
/// validation, its hardware profile by the profile loader, its broker, the hub, its certificate and its disk budget.
/// Each check says ok, warn or fail, and what to fix.
/// </summary>
public sealed class NodeDoctor(string configFile, string? dataDirectory, string? releaseDirectory, TimeProvider time)
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(3);

    public async Task<IReadOnlyList<DoctorFinding>> RunAsync(CancellationToken ct)
    {
        var findings = new List<DoctorFinding>();
        if (!File.Exists(configFile))
        {
            findings.Add(DoctorFinding.Fail("config", $"{configFile} does not exist", "install the node ('mesh node install') or give --config FILE"));
            return findings;
        }
        NodeOptions options;
        string? token;
        try
        {
            (options, token) = NodeConfigFile.LoadWithEnrollment(configFile, dataDirectory is null ? [] : [$"--Node:DataDirectory={dataDirectory}"]);
        }
        catch (OptionsValidationException e)
        {
            findings.Add(DoctorFinding.Fail("config", $"{configFile}: the node would refuse it: {string.Join("; ", e.Failures)}", $"edit {configFile}: each message names its key"));
            return findings;
        }
        catch (InvalidDataException e)
        {
            findings.Add(DoctorFinding.Fail("config", $"{configFile}: {e.Message} {e.InnerException?.Message}".Trim(), $"fix the JSON in {configFile}"));
            return findings;
        }
        findings.Add(DoctorFinding.Ok("config", $"{configFile}: node {options.NodeId}, site {options.Site}"));
        findings.Add(Profile(options));
        findings.Add(await BrokerAsync(options, ct).ConfigureAwait(false));
        findings.Add(await HubAsync(options, ct).ConfigureAwait(false));
        var data = Path.GetFullPath(options.DataDirectory);
        findings.Add(CertificateCheck.Run(data, token is not null, time.GetUtcNow()));
        findings.Add(JournalCheck.Run(options, data));
        findings.Add(DiskBudget(options, data));
        return findings;
    }

    private DoctorFinding Profile(NodeOptions o)
    {
        var folder = Path.IsPathRooted(o.Inference.Profiles) || releaseDirectory is null
            ? NodePaths.Resolve(o.Inference.Profiles)
            : Path.Combine(releaseDirectory, o.Inference.Profiles);
        var path = Path.Combine(folder, o.Profile + ".yaml");
        if (!File.Exists(path))
            return DoctorFinding.Fail("profile", $"Node:Profile '{o.Profile}': no {path}", $"set Node:Profile to one of {Known(folder)}, or add {o.Profile}.yaml ('mesh profile calibrate')");
        var loaded = ProfileLoader.LoadFile(path);
        return loaded.Profile is { } profile
            ? DoctorFinding.Ok("profile", $"{profile.Id} ({path})")
            : DoctorFinding.Fail("profile", $"{path}: {string.Join("; ", loaded.Errors)}", "fix the profile ('mesh profile validate FILE' lists every error)");
    }

    private static string Known(string folder) =>
        Directory.Exists(folder) ? string.Join(", ", Directory.GetFiles(folder, "*.yaml").Select(Path.GetFileNameWithoutExtension).Order()) : $"(none: {folder} does not exist)";

    private static async Task<DoctorFinding> BrokerAsync(NodeOptions o, CancellationToken ct)
    {
        var endpoint = $"{o.Mqtt.Host}:{o.Mqtt.Port}";
        if (o.Mqtt.Mode == MqttMode.External)
        {
            return await ConnectAsync(o.Mqtt.Host, o.Mqtt.Port, ct).ConfigureAwait(false) is { } error
                ? DoctorFinding.Fail("broker", $"external broker {endpoint} unreachable: {error}", "start the broker, or correct Node:Mqtt:Host and Node:Mqtt:Port")
                : DoctorFinding.Ok("broker", $"external broker {endpoint} reachable");
        }
        if (o.Mqtt.Port == 0)
            return DoctorFinding.Ok("broker", "embedded broker on a port the system picks (Node:Mqtt:Port=0)");
        if (PortFree(o.Mqtt.Host, o.Mqtt.Port))
            return DoctorFinding.Ok("broker", $"embedded broker port {endpoint} is free");
        if (o.StatusUrl.Length > 0 && await HealthCheck.AnswersAsync(new Uri(o.StatusUrl), ct).ConfigureAwait(false))
            return DoctorFinding.Ok("broker", $"embedded broker port {endpoint} is in use by this node, which is running (its {o.StatusUrl}/healthz answers)");
        return DoctorFinding.Fail("broker", $"embedded broker port {endpoint} is taken by another program",
            $"stop it (ss -ltnp 'sport = :{o.Mqtt.Port}' names it), or set Node:Mqtt:Port to a free port");
    }

    private static bool PortFree(string host, int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Parse(host == "localhost" ? "127.0.0.1" : host), port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static async Task<DoctorFinding> HubAsync(NodeOptions o, CancellationToken ct)
    {
        if (o.Sync.Transport == SyncTransport.Nats)
        {
            var nats = new Uri(o.Sync.NatsUrl.Split(',')[0].Trim());
            return await ConnectAsync(nats.Host, nats.Port, ct).ConfigureAwait(false) is { } natsError
                ? DoctorFinding.Fail("hub", $"NATS {nats.Host}:{nats.Port} unreachable: {natsError}", "start the site's NATS leaf node, or correct Node:Sync:NatsUrl")
                : DoctorFinding.Ok("hub", $"NATS {nats.Host}:{nats.Port} reachable");
        }
        if (o.Sync.HubUrl.Length == 0)
            return DoctorFinding.Warn("hub", "no Node:Sync:HubUrl: the journal stays on this box", "set Node:Sync:HubUrl to the hub's gRPC address");
        var hub = new Uri(o.Sync.HubUrl);
        return await ConnectAsync(hub.Host, hub.Port, ct).ConfigureAwait(false) is { } error
            ? DoctorFinding.Fail("hub", $"{o.Sync.HubUrl} unreachable: {error}", "check the address, DNS and the firewall between this site and the hub (the node keeps its backlog meanwhile)")
            : DoctorFinding.Ok("hub", $"{o.Sync.HubUrl} reachable");
    }

    /// <returns>Null when a TCP connection opens within <see cref="ConnectTimeout"/>, else why not.</returns>
    private static async Task<string?> ConnectAsync(string host, int port, CancellationToken ct)
    {
        using var client = new TcpClient();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(ConnectTimeout);
        try
        {
            await client.ConnectAsync(host, port, timeout.Token).ConfigureAwait(false);
            return null;
        }
        catch (SocketException e)
        {
            return e.SocketErrorCode == SocketError.ConnectionRefused ? "connection refused" : e.Message;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return $"no answer within {ConnectTimeout.TotalSeconds:0} s";
        }
    }

    /// <summary>The journal may grow to its budget (plus a quarter for its write-ahead log, 4 MiB at most): the data
    /// folder's file system must have that room beyond what the journal already holds.</summary>
    private static DoctorFinding DiskBudget(NodeOptions o, string data)
    {
        if (!Directory.Exists(data))
            return DoctorFinding.Fail("disk", $"data folder {data} does not exist", "run 'mesh node install', or create it for the service user (0750)");
        var free = new DriveInfo(data).AvailableFreeSpace;
        var budget = o.Journal.DiskBudgetBytes;
        if (budget == 0)
            return DoctorFinding.Warn("disk", $"Node:Journal:DiskBudgetBytes=0 (unlimited); {Bytes(free)} free in {data}",
                "set a budget below the free space, so a long hub outage stops intake instead of filling the disk");
        var journal = Path.Combine(data, "audit.db");
        var used = File.Exists(journal) ? new FileInfo(journal).Length : 0;
        var needed = Math.Max(0, budget - used) + Math.Min(budget / 4, 4L << 20);
        var what = $"journal budget {Bytes(budget)} ({Bytes(used)} used), {Bytes(free)} free in {data}";
        if (free < needed)
            return DoctorFinding.Fail("disk", what + $": the journal may need {Bytes(needed)} more", "free space, or lower Node:Journal:DiskBudgetBytes below the free space");
        if (free < needed * 2)
            return DoctorFinding.Warn("disk", what + ": less than twice what the journal may still take (state.db and logs grow too)", "free space, or lower Node:Journal:DiskBudgetBytes");
        return DoctorFinding.Ok("disk", what);
    }

    private static string Bytes(long n) => n switch
    {
        >= 1L << 30 => $"{n / (double)(1L << 30):0.0} GiB",
        >= 1L << 20 => $"{n / (double)(1L << 20):0.0} MiB",
        _ => $"{n / 1024.0:0} KiB",
    };
}
