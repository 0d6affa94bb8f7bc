using Mesh.Protocol.Yaml;

namespace Mesh.Protocol.Profiles;

internal sealed partial class ProfileBuilder
{
    private CpuSpec? Cpu(YNode node)
    {
        if (Group(node, "cpu", ProfileKeys.Cpu) is not { } map)
            return null;
        var cores = Required(map, "cores", "cpu") is { } c ? Integer(c, 1, 1024) : null;
        var model = Required(map, "model", "cpu") is { } m ? Prose(m, "CPU model", 200) : null;
        var source = Source(map, "cpu");
        return cores is null || model is null || source is null ? null : new CpuSpec((int)cores.Value, model, source);
    }

    private MemorySpec? Memory(YNode node)
    {
        if (Group(node, "memory", ProfileKeys.Memory) is not { } map)
            return null;
        var mb = Required(map, "mb", "memory") is { } m ? Integer(m, 256, int.MaxValue) : null;
        var source = Source(map, "memory");
        return mb is null || source is null ? null : new MemorySpec((int)mb.Value, source);
    }

    private IReadOnlyList<AcceleratorSpec>? Accelerators(YNode node)
    {
        if (Sequence(node, "a list of accelerators ([] for a CPU-only box)", MaxAccelerators) is not { } seq)
            return null;
        var accelerators = new List<AcceleratorSpec>();
        foreach (var item in seq.Items)
            if (Accelerator(item) is { } accelerator)
                accelerators.Add(accelerator);
        return accelerators.Count == seq.Items.Count ? accelerators : null;
    }

    private AcceleratorSpec? Accelerator(YNode node)
    {
        if (Group(node, "accelerator", ProfileKeys.Accelerator) is not { } map)
            return null;
        const string owner = "accelerator";
        var kind = Required(map, "kind", owner) is { } k ? OneOf(k, "accelerator kind", ProfileNames.AcceleratorKinds) : null;
        var name = Required(map, "name", owner) is { } n ? Prose(n, "accelerator name", 200) : null;
        var memory = Required(map, "memory_mb", owner) is { } m ? Integer(m, 0, int.MaxValue) : null;
        var source = Source(map, owner);
        return kind is null || name is null || memory is null || source is null
            ? null
            : new AcceleratorSpec((AcceleratorKind)kind.Value, name, (int)memory.Value, source);
    }

    private PowerSpec? Power(YNode node)
    {
        if (Group(node, "power", ProfileKeys.Power) is not { } map)
            return null;
        var idle = Required(map, "idle_watts", "power") is { } i ? AtLeast(i, 0) : null;
        var loadNode = Required(map, "load_watts", "power");
        var load = loadNode is null ? null : AtLeast(loadNode, 0);
        var source = Source(map, "power");
        if (idle is null || load is null || source is null)
            return null;
        if (load < idle)
        {
            Diagnostics.Add(loadNode!, $"load_watts ({YamlWriter.Number(load.Value)}) must be >= idle_watts ({YamlWriter.Number(idle.Value)})");
            return null;
        }
        return new PowerSpec(idle.Value, load.Value, source);
    }

    private CostSpec? Cost(YNode node)
    {
        if (Group(node, "cost", ProfileKeys.Cost) is not { } map)
            return null;
        var hour = Required(map, "per_hour_usd", "cost") is { } h ? AtLeast(h, 0) : null;
        var perK = Required(map, "per_1k_inferences_usd", "cost") is { } k ? AtLeast(k, 0) : null;
        var source = Source(map, "cost");
        return hour is null || perK is null || source is null ? null : new CostSpec(hour.Value, perK.Value, source);
    }

    private NetworkSpec? Network(YNode node)
    {
        if (Group(node, "network", ProfileKeys.Network) is not { } map)
            return null;
        var rtt = Required(map, "cloud_rtt_ms", "network") is { } r ? AtLeast(r, 0) : null;
        var source = Source(map, "network");
        return rtt is null || source is null ? null : new NetworkSpec(rtt.Value, source);
    }
}
