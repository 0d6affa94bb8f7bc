using Mesh.Protocol.Time;

namespace Mesh.Protocol.Crdt;

/// <summary>
/// A last-writer-wins register: the value written with the greatest hybrid logical clock stamp wins, and equal
/// physical time and counter are ordered by node id (<see cref="HlcTimestamp"/>'s order). A node's clock stamps
/// never repeat, so two different writes never carry the same stamp. Merge is commutative, associative and
/// idempotent. A node whose wall clock is behind still wins when it writes after seeing a value: its clock has
/// observed that value's stamp (see <see cref="HybridLogicalClock.Observe"/>), so its next stamp is greater.
/// </summary>
public sealed record LwwRegister<T>(T Value, HlcTimestamp Stamp)
{
    public LwwRegister<T> Merge(LwwRegister<T> other) => other.Stamp > Stamp ? other : this;

    /// <summary>Writes <paramref name="value"/> at <paramref name="stamp"/>; a stamp not after the current one loses,
    /// exactly as it would in a merge.</summary>
    public LwwRegister<T> Write(T value, HlcTimestamp stamp) => Merge(new LwwRegister<T>(value, stamp));
}
