using Mesh.Protocol.Yaml;

namespace Mesh.Protocol.Profiles;

/// <summary>
/// Builds a <see cref="HardwareProfile"/> from a YAML tree, reporting every problem it finds: unknown and missing
/// keys, wrong types, values out of range, figures without a source, and the cross-checks between execution
/// providers, accelerators and model priors.
/// </summary>
internal sealed partial class ProfileBuilder : FigureBuilder
{
    private const int MaxAccelerators = 16;
    private const int MaxModels = 256;

    private ProfileBuilder(YamlDiagnostics diagnostics)
        : base(diagnostics)
    {
    }

    /// <summary>The profile, or null when any error was reported (including earlier ones). When
    /// <paramref name="expectedId"/> is given, the id must equal it (the file name without <c>.yaml</c>).</summary>
    public static HardwareProfile? Build(YNode root, string? expectedId, YamlDiagnostics diagnostics) =>
        new ProfileBuilder(diagnostics).Profile(root, expectedId);

    private HardwareProfile? Profile(YNode root, string? expectedId)
    {
        if (Mapping(root, "a hardware profile mapping with " + string.Join(", ", ProfileKeys.Profile)) is not { } map)
            return null;
        const string owner = "the profile";
        CheckKeys(map, owner, ProfileKeys.Profile);
        var id = Required(map, "id", owner) is { } i ? Id(i, expectedId) : null;
        var description = Required(map, "description", owner) is { } d ? Prose(d, "description", 500) : null;
        var location = Required(map, "location", owner) is { } l ? OneOf(l, "location", ProfileNames.Locations) : null;
        var arch = Required(map, "arch", owner) is { } a ? OneOf(a, "architecture", ProfileNames.Architectures) : null;
        var cpu = Required(map, "cpu", owner) is { } c ? Cpu(c) : null;
        var memory = Required(map, "memory", owner) is { } m ? Memory(m) : null;
        var accelerators = Required(map, "accelerators", owner) is { } ac ? Accelerators(ac) : null;
        var providers = Required(map, "execution_providers", owner) is { } e ? Providers(e, accelerators) : null;
        var power = Required(map, "power", owner) is { } p ? Power(p) : null;
        var cost = Required(map, "cost", owner) is { } co ? Cost(co) : null;
        var network = Required(map, "network", owner) is { } n ? Network(n) : null;
        var models = Required(map, "models", owner, "write 'models: {}' for a profile without priors") is { } mo ? Models(mo, providers) : null;

        if (Diagnostics.Count > 0 || id is null || description is null || location is null || arch is null || cpu is null
            || memory is null || accelerators is null || providers is null || power is null || cost is null || network is null
            || models is null)
            return null;
        return new HardwareProfile(
            id, description, (ProfileLocation)location.Value, (CpuArchitecture)arch.Value, cpu, memory, accelerators, providers,
            power, cost, network, models);
    }

    private string? Id(YNode node, string? expectedId)
    {
        var id = Name(node, "profile id", ProfileNames.IsValidId, "1-64 characters of a-z, 0-9 and '-', starting with a letter or digit");
        if (id is null || expectedId is null || id == expectedId)
            return id;
        Diagnostics.Add(node, $"the id '{id}' differs from the file name '{expectedId}.yaml'; a profile's id is its file name without .yaml");
        return null;
    }
}
