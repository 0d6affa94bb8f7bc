using Mesh.Protocol.Yaml;

namespace Mesh.Protocol.Policy;

internal sealed partial class PolicyBuilder
{
    private const string IdRule = "lower-case letters, digits, '_' and '-', starting with a letter or digit, at most 64 characters";
    private const string NameRule = "1-64 characters of A-Z a-z 0-9 _ . -";

    /// <summary>Every group id seen (even of groups with other errors), with its position and skills.</summary>
    private readonly Dictionary<string, GroupInfo> _groups = new(StringComparer.Ordinal);

    private IReadOnlyList<DeviceGroup>? Groups(YNode node)
    {
        if (Sequence(node, "a list of groups") is not { } seq)
            return null;
        var groups = new List<DeviceGroup>();
        var ok = true;
        foreach (var item in seq.Items)
        {
            if (Group(item) is { } group)
                groups.Add(group);
            else
                ok = false;
        }
        return ok ? groups : null;
    }

    private DeviceGroup? Group(YNode node)
    {
        if (Mapping(node, "a group (a mapping with id, devices, attributes and skills)") is not { } map)
            return null;
        CheckKeys(map, "group", PolicyKeys.Group);
        var idNode = Required(map, "id", "group");
        var id = idNode is null ? null : Name(idNode, "group id", PolicyNames.IsValidId, IdRule);
        var devices = map.Get("devices") is { } d ? DeviceGlobs(d) : [];
        var attributes = map.Get("attributes") is { } a ? Attributes(a) : new Dictionary<string, string>();
        var skills = map.Get("skills") is { } s ? Skills(s) : [];
        if (id is not null)
        {
            if (_groups.TryGetValue(id, out var first))
                Diagnostics.Add(idNode!, $"duplicate group id '{id}' (first at {first.At})");
            else
                _groups.Add(id, new GroupInfo(idNode!.At, skills ?? []));
        }
        if (id is null || devices is null || attributes is null || skills is null)
            return null;
        return new DeviceGroup { Id = id, Devices = devices, Attributes = attributes, Skills = skills };
    }

    private List<string>? DeviceGlobs(YNode node)
    {
        if (Sequence(node, "a list of device id patterns") is not { } seq)
            return null;
        var globs = new List<string>();
        foreach (var item in seq.Items)
        {
            if (Text(item, "a device id pattern") is not { } glob)
                continue;
            if (DeviceGlob.TryValidate(glob, out var problem))
                globs.Add(glob);
            else
                Diagnostics.Add(item, problem!);
        }
        return globs.Count == seq.Items.Count ? globs : null;
    }

    private Dictionary<string, string>? Attributes(YNode node)
    {
        if (Mapping(node, "a mapping of attribute names to values") is not { } map)
            return null;
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in map.Entries)
        {
            if (key.Value.Length == 0)
                Diagnostics.Add(key, "an attribute name must not be empty");
            else if (Text(value, $"a string value for attribute '{key.Value}'") is { } text)
                attributes.Add(key.Value, text);
        }
        return attributes.Count == map.Entries.Count ? attributes : null;
    }

    private List<string>? Skills(YNode node)
    {
        if (Sequence(node, "a list of skill names") is not { } seq)
            return null;
        var skills = new List<string>();
        foreach (var item in seq.Items)
            if (Name(item, "skill name", PolicyNames.IsValidName, NameRule) is { } skill)
                skills.Add(skill);
        return skills.Count == seq.Items.Count ? skills : null;
    }

    private sealed record GroupInfo(TextPosition At, IReadOnlyList<string> Skills);
}
