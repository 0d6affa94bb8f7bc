namespace Mesh.Protocol.Devices;

/// <summary>One site's devices and their password hashes: the devices file (docs/DEVICES.md). The node's embedded
/// broker admits exactly these; <c>mesh broker config</c> turns the list into Mosquitto's password and ACL files.</summary>
public sealed record DeviceList(string Site, IReadOnlyList<DeviceEntry> Devices)
{
    /// <summary>The device with <paramref name="id"/>, or null.</summary>
    public DeviceEntry? Find(string id) => Devices.FirstOrDefault(d => d.Id == id);

    /// <summary>This list with <paramref name="entry"/> added, or replacing the device of the same id in its place.</summary>
    public DeviceList With(DeviceEntry entry)
    {
        var devices = Devices.ToList();
        var at = devices.FindIndex(d => d.Id == entry.Id);
        if (at >= 0)
            devices[at] = entry;
        else
            devices.Add(entry);
        return this with { Devices = devices };
    }
}

/// <summary>One device: its id (its MQTT username and client id, and the device segment of its topics) and the
/// <see cref="DevicePassword"/> hash of its password.</summary>
public sealed record DeviceEntry(string Id, string PasswordHash);
