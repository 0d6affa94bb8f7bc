using Mesh.Protocol.Topics;
using Mesh.Protocol.Yaml;

namespace Mesh.Protocol.Devices;

/// <summary>Builds a <see cref="DeviceList"/> from a YAML tree, reporting every problem: unknown and missing keys,
/// a bad site or device id, a repeated id, and a password that is not a <see cref="DevicePassword"/> hash.</summary>
internal sealed class DeviceListBuilder(YamlDiagnostics diagnostics) : YamlBuilder(diagnostics)
{
    private static readonly string[] RootKeys = ["site", "devices"];
    private static readonly string[] DeviceKeys = ["id", "password_hash"];

    public static DeviceList? Build(YNode root, YamlDiagnostics diagnostics) => new DeviceListBuilder(diagnostics).List(root);

    private DeviceList? List(YNode root)
    {
        if (Mapping(root, "a devices mapping with site and devices") is not { } map)
            return null;
        CheckKeys(map, "the devices file", RootKeys);
        var site = Required(map, "site", "the devices file") is { } s
            ? Name(s, "site id", MeshTopics.IsValidSegment, $"1-{MeshTopics.MaxSegmentLength} characters, no '/', '+', '#' or whitespace")
            : null;
        var devices = Required(map, "devices", "the devices file", "list the site's devices, or write 'devices: []'") is { } d ? Devices(d) : null;
        return Diagnostics.Count > 0 || site is null || devices is null ? null : new DeviceList(site, devices);
    }

    private List<DeviceEntry>? Devices(YNode node)
    {
        if (Sequence(node, "a list of devices, each with id and password_hash") is not { } seq)
            return null;
        var devices = new List<DeviceEntry>();
        var seen = new Dictionary<string, TextPosition>(StringComparer.Ordinal);
        foreach (var item in seq.Items)
        {
            if (Mapping(item, "a device mapping with id and password_hash") is not { } map)
                continue;
            CheckKeys(map, "a device", DeviceKeys);
            var idNode = Required(map, "id", "a device");
            var id = idNode is null ? null : Name(idNode, "device id", DeviceIds.IsValid, DeviceIds.Rule);
            var hash = Required(map, "password_hash", "a device", "add devices with 'mesh device add'") is { } h ? Hash(h) : null;
            if (id is not null && seen.TryGetValue(id, out var first))
            {
                Diagnostics.Add(idNode!, $"device '{id}' is listed twice (first at {first})");
                continue;
            }
            if (id is not null)
                seen.Add(id, idNode!.At);
            if (id is not null && hash is not null)
                devices.Add(new DeviceEntry(id, hash));
        }
        return devices;
    }

    private string? Hash(YNode node)
    {
        if (Text(node, "a password hash") is not { } text)
            return null;
        if (DevicePassword.Check(text) is not { } problem)
            return text;
        Diagnostics.Add(node, "password_hash: " + problem);
        return null;
    }
}
