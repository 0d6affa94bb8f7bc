using Mesh.Cli.Devices;
using Mesh.Cli.Sim;

namespace Mesh.Cli.Demo;

/// <summary>The demo's device credentials: each site's simulated devices are provisioned in a devices file before its
/// node starts, as an installer would with <c>mesh device add</c>; the simulator connects with the passwords.</summary>
internal static class DemoDevices
{
    /// <summary>Writes the devices file of <paramref name="site"/> under <paramref name="root"/> holding
    /// <paramref name="thermal"/> thermal sensors and <paramref name="rooms"/> cold rooms (none for a node without devices);
    /// returns the node setting that names it and the passwords.</summary>
    public static (string Setting, DeviceCredentials Credentials) Provision(string root, string site, int thermal, int rooms)
    {
        var file = Path.Combine(root, "devices", site + ".yaml");
        var ids = new SimulatorOptions { Devices = Math.Max(thermal, 1), Sensors = SensorKind.Thermal }.DeviceIds().Take(thermal)
            .Concat(new SimulatorOptions { Devices = Math.Max(rooms, 1), Sensors = SensorKind.ColdRoom }.DeviceIds().Take(rooms));
        // The fewest iterations a hash may have: these passwords live for one run, and a hundred devices connecting at once
        // on a loaded two-core machine must not eat into the run (the site-b gateway must reach the cloud node in time).
        var credentials = DeviceCredentials.Provision(file, site, ids, Mesh.Protocol.Devices.DevicePassword.MinIterations);
        return ($"--Node:Devices:File={file}", credentials);
    }
}
