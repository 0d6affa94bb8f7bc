namespace Mesh.Node.Policy;

/// <summary>Three-valued truth: a condition on something the reading lacks is <see cref="Unknown"/>.</summary>
public enum Tri : byte
{
    False,
    Unknown,
    True,
}
