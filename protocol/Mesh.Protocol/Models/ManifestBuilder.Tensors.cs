using Mesh.Protocol.Yaml;

namespace Mesh.Protocol.Models;

internal sealed partial class ManifestBuilder
{
    private const int MaxTensors = 64;
    private const int MaxRank = 16;

    /// <summary>A non-empty list of tensors; <paramref name="names"/> holds every tensor name seen so far (inputs and
    /// outputs share one namespace).</summary>
    private IReadOnlyList<TensorSpec>? Tensors(YNode node, string role, Dictionary<string, TextPosition> names)
    {
        if (Sequence(node, $"a list of {role}s, e.g. - {{ name: x, type: float32, shape: [-1, 6] }}", MaxTensors) is not { } seq)
            return null;
        if (seq.Items.Count == 0)
        {
            Diagnostics.Add(seq, $"a model needs at least one {role}");
            return null;
        }
        var tensors = new List<TensorSpec>();
        foreach (var item in seq.Items)
            if (Tensor(item, role, names) is { } tensor)
                tensors.Add(tensor);
        return tensors.Count == seq.Items.Count ? tensors : null;
    }

    private TensorSpec? Tensor(YNode node, string role, Dictionary<string, TextPosition> names)
    {
        if (Group(node, role, ManifestKeys.Tensor) is not { } map)
            return null;
        var nameNode = Required(map, "name", role);
        var name = nameNode is null ? null : Prose(nameNode, "tensor name", 256);
        if (name is not null)
        {
            if (names.TryGetValue(name, out var first))
            {
                Diagnostics.Add(nameNode!, $"tensor name '{YamlValues.Shorten(name)}' is already used (first at {first}); tensor names are unique");
                name = null;
            }
            else
            {
                names.Add(name, nameNode!.At);
            }
        }
        var element = Required(map, "type", role) is { } t ? OneOf(t, "tensor type", ManifestNames.Elements) : null;
        var shape = Required(map, "shape", role) is { } s ? Shape(s) : null;
        return name is null || element is null || shape is null ? null : new TensorSpec(name, (TensorElement)element.Value, shape);
    }

    private IReadOnlyList<long>? Shape(YNode node)
    {
        if (Sequence(node, "a shape: a list of dimensions, -1 for a dynamic one, [] for a scalar", MaxRank) is not { } seq)
            return null;
        var dims = new List<long>();
        foreach (var item in seq.Items)
            if (Integer(item, -1) is { } dim)
                dims.Add(dim);
        return dims.Count == seq.Items.Count ? dims : null;
    }
}
