using System.Globalization;

namespace Mesh.Protocol.Policy;

public static partial class PolicyDiff
{
    private static List<PolicyFieldChange> RuleFields(PolicyRule o, PolicyRule n)
    {
        var changes = new List<PolicyFieldChange>();
        Field(changes, "description", Quoted(o.Description), Quoted(n.Description));
        Field(changes, "groups", Groups(o.Groups), Groups(n.Groups));
        Field(changes, "when", PolicyText.Format(o.When), PolicyText.Format(n.When));
        Field(changes, "clear", Clear(o), Clear(n));
        Field(changes, "action", o.Action, n.Action);
        Field(changes, "clear_action", o.ClearAction.Length == 0 ? None : o.ClearAction, n.ClearAction.Length == 0 ? None : n.ClearAction);
        Field(changes, "priority", o.Priority.ToString(CultureInfo.InvariantCulture), n.Priority.ToString(CultureInfo.InvariantCulture));
        Field(changes, "gate", PolicyNames.Of(o.Gate), PolicyNames.Of(n.Gate));
        Field(changes, "approval", o.Approval is null ? None : PolicyText.Format(o.Approval), n.Approval is null ? None : PolicyText.Format(n.Approval));
        return changes;
    }

    private static List<PolicyFieldChange> GroupFields(DeviceGroup o, DeviceGroup n)
    {
        var changes = new List<PolicyFieldChange>();
        Field(changes, "devices", Devices(o), Devices(n));
        Field(changes, "attributes", Attributes(o), Attributes(n));
        // Skills are a set: their order means nothing.
        Field(changes, "skills", List(o.Skills.Order(StringComparer.Ordinal)), List(n.Skills.Order(StringComparer.Ordinal)));
        return changes;
    }

    private static string Groups(IReadOnlyList<string> groups) => groups.Count == 0 ? "(every device)" : List(groups);

    private static string Clear(PolicyRule rule) => rule.Clear is null ? "(when is false)" : PolicyText.Format(rule.Clear);

    private static string Devices(DeviceGroup group) => group.Devices.Count == 0 ? "(every device)" : List(group.Devices);

    private static string Attributes(DeviceGroup group) =>
        group.Attributes.Count == 0
            ? None
            : "{" + string.Join(", ", group.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}: {a.Value}")) + "}";
}
