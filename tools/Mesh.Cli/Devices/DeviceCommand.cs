using System.CommandLine;
using Mesh.Protocol.Devices;
using Mesh.Protocol.Topics;

namespace Mesh.Cli.Devices;

/// <summary><c>mesh device</c>: provision devices in a site's devices file (docs/DEVICES.md).</summary>
public static class DeviceCommand
{
    public static Command Create() => new("device", "Provision devices: their ids and password hashes in the site's devices file.")
    {
        Add(),
    };

    private static Command Add()
    {
        var site = new Option<string>("--site", "-s") { Description = "the site the devices belong to", Required = true };
        site.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string>() is { } s && !MeshTopics.IsValidSegment(s))
                r.AddError($"--site '{s}' is not a site id");
        });
        var ids = new Option<string[]>("--id") { Description = "a device id (repeat for several); an id already in the file gets a new password", Required = true, AllowMultipleArgumentsPerToken = true };
        ids.Validators.Add(r =>
        {
            foreach (var id in r.GetValueOrDefault<string[]>() ?? [])
                if (!DeviceIds.IsValid(id))
                    r.AddError($"--id '{id}' is not a device id: {DeviceIds.Rule}");
        });
        var file = new Option<FileInfo>("--file", "-f") { Description = "the devices file (made when missing), e.g. /etc/mesh/devices.yaml", Required = true };
        var iterations = new Option<int>("--iterations") { Description = "PBKDF2-SHA512 iterations", DefaultValueFactory = _ => DevicePassword.DefaultIterations };
        iterations.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < DevicePassword.MinIterations or > DevicePassword.MaxIterations)
                r.AddError($"--iterations must be {DevicePassword.MinIterations}..{DevicePassword.MaxIterations}");
        });
        var credentialsOut = new Option<FileInfo?>("--credentials-out") { Description = "also write '<device>:<password>' lines to this file (owner-only), e.g. for 'mesh sim --credentials'" };
        var command = new Command("add", """
            Add devices to a site's devices file, each with a new random password printed once (only its hash is kept).
            The device connects with MQTT username = client id = its id and that password; a running node re-reads the file.
            """) { site, ids, file, iterations, credentialsOut };
        command.SetAction(parse =>
        {
            var siteId = parse.GetValue(site)!;
            var devices = parse.GetValue(ids)!;
            var path = parse.GetValue(file)!.FullName;
            DeviceCredentials credentials;
            try
            {
                credentials = DeviceCredentials.Provision(path, siteId, devices, parse.GetValue(iterations));
                if (parse.GetValue(credentialsOut) is { } output)
                    DeviceCredentials.WritePrivate(output.FullName, credentials.ToCredentialsFile(siteId));
            }
            catch (Exception ex) when (ex is DeviceFileException or IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"mesh device add: {ex.Message}");
                return ExitCodes.Failure;
            }
            Console.WriteLine($"{devices.Length} device(s) of site {siteId} in {path}. Each password is shown once; give it to the device:");
            foreach (var device in devices)
                Console.WriteLine($"{device} {credentials.Password(siteId, device)}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
