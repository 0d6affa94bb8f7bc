using System.CommandLine;
using Mesh.Cli.Devices;
using Mesh.Protocol.Devices;

namespace Mesh.Cli.Broker;

/// <summary><c>mesh broker config</c>: a Mosquitto configuration from a site's devices file (docs/DEVICES.md).</summary>
public static class BrokerCommand
{
    public static Command Create() => new("broker", "External MQTT broker (Mosquitto) configuration for a site.") { Config() };

    private static Command Config()
    {
        var devices = new Option<FileInfo>("--devices", "--site-config") { Description = "the site's devices file ('mesh device add' writes it)", Required = true };
        var output = new Option<DirectoryInfo>("--out", "-o") { Description = "folder for mosquitto.conf, passwd, acl, data/ and node.env", Required = true };
        var nodeId = new Option<string>("--node-id") { Description = "the node that subscribes (its account is mesh-node-<id>)", DefaultValueFactory = _ => "node" };
        var host = new Option<string>("--host") { Description = "address the listener binds", DefaultValueFactory = _ => "127.0.0.1" };
        var port = new Option<int>("--port", "-p") { Description = "listener port", DefaultValueFactory = _ => 1883 };
        var memory = new Option<long>("--memory-limit-mib") { Description = "Mosquitto's memory limit, MiB: past it publishes are refused, never dropped", DefaultValueFactory = _ => 256 };
        var user = new Option<string>("--user") { Description = "the system user Mosquitto switches to when started as root (it must read passwd and acl)", DefaultValueFactory = _ => "mosquitto" };
        var command = new Command("config", """
            Generate mosquitto.conf, a password file and an ACL file from a site's devices file: each device may publish only
            its own telemetry and read only its own commands; the node's account (its password in node.env, kept when the
            folder already has one) reads every device's telemetry and writes their commands.
            """) { devices, output, nodeId, host, port, memory, user };
        command.SetAction(parse =>
        {
            try
            {
                return BrokerConfigWriter.Write(parse.GetValue(devices)!.FullName, parse.GetValue(output)!.FullName, parse.GetValue(nodeId)!,
                    parse.GetValue(host)!, parse.GetValue(port), parse.GetValue(memory) * 1024 * 1024, parse.GetValue(user)!, Console.Out);
            }
            catch (Exception ex) when (ex is DeviceFileException or IOException or UnauthorizedAccessException or ArgumentException)
            {
                Console.Error.WriteLine($"mesh broker config: {ex.Message}");
                return ExitCodes.Failure;
            }
        });
        return command;
    }
}

/// <summary>Writes what <see cref="MosquittoConfig"/> makes, and the node's account.</summary>
public static class BrokerConfigWriter
{
    public const string NodeEnvFile = "node.env";

    public static int Write(string devicesFile, string directory, string nodeId, string host, int port, long memoryLimitBytes, string user, TextWriter say)
    {
        var result = DeviceListLoader.LoadFile(devicesFile);
        if (result.List is not { } list)
            throw new DeviceFileException(string.Join(Environment.NewLine, result.Errors));
        if (!DeviceIds.IsValid(nodeId) || port is < 1 or > 65535 || !DeviceIds.IsValid(user))
            throw new ArgumentException($"--node-id and --user must be ids ({DeviceIds.Rule}) and --port within 1..65535");
        var nodeUser = "mesh-node-" + nodeId;
        if (list.Find(nodeUser) is not null)
            throw new ArgumentException($"the devices file has a device named '{nodeUser}', the node's account; pick another --node-id");
        Directory.CreateDirectory(directory);
        Directory.CreateDirectory(Path.Combine(directory, "data"));
        var env = Path.Combine(directory, NodeEnvFile);
        var password = ReadNodePassword(env) ?? DevicePassword.Generate();
        var config = MosquittoConfig.For(list, nodeUser, DevicePassword.Hash(password), directory, host, port, memoryLimitBytes, user);
        File.WriteAllText(Path.Combine(directory, "mosquitto.conf"), config.Conf);
        DeviceCredentials.WritePrivate(Path.Combine(directory, "passwd"), config.PasswordFile);
        DeviceCredentials.WritePrivate(Path.Combine(directory, "acl"), config.AclFile);
        DeviceCredentials.WritePrivate(env, $"""
            # The node's account on this broker (environment for mesh-node, e.g. systemd EnvironmentFile=).
            Node__Mqtt__Mode=External
            Node__Mqtt__Host={(host == "0.0.0.0" ? "127.0.0.1" : host)}
            Node__Mqtt__Port={port}
            Node__Mqtt__Username={nodeUser}
            Node__Mqtt__ClientId={nodeUser}
            Node__Mqtt__Password={password}

            """);
        say.WriteLine($"Mosquitto configuration for site {list.Site} ({list.Devices.Count} device(s)) in {directory}:");
        say.WriteLine($"  mosquitto.conf, passwd, acl; the node's account {nodeUser} in {NodeEnvFile}");
        say.WriteLine($"  start: mosquitto -c {Path.Combine(directory, "mosquitto.conf")}");
        return ExitCodes.Ok;
    }

    private static string? ReadNodePassword(string env)
    {
        if (!File.Exists(env))
            return null;
        const string key = "Node__Mqtt__Password=";
        return File.ReadAllLines(env).FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal))?[key.Length..];
    }
}
