using System.Text.RegularExpressions;
using Mesh.Protocol.Topics;

namespace Mesh.Protocol.Policy;

/// <summary>The lexical rules of names in a policy file, and the words that spell its enumerations.</summary>
public static partial class PolicyNames
{
    public const int MaxLength = 64;

    /// <summary>The roles an approver may be asked to hold, lowest first.</summary>
    public static readonly IReadOnlyList<string> Roles = ["viewer", "operator", "admin"];

    /// <summary>A group or rule id: <c>[a-z0-9][a-z0-9_-]*</c>, at most <see cref="MaxLength"/> characters.</summary>
    public static bool IsValidId(string id) => id.Length <= MaxLength && IdPattern().IsMatch(id);

    /// <summary>An action (the command sent to a device): <c>[a-z0-9][a-z0-9_.-]*</c>, at most <see cref="MaxLength"/>.</summary>
    public static bool IsValidAction(string action) => action.Length <= MaxLength && ActionPattern().IsMatch(action);

    /// <summary>A metric, model, model output or skill name: 1-64 of <c>A-Z a-z 0-9 _ . -</c> (as telemetry metrics).</summary>
    public static bool IsValidName(string name) => name.Length <= MaxLength && NamePattern().IsMatch(name);

    /// <summary>A site id: one MQTT topic segment (see <see cref="MeshTopics.IsValidSegment"/>).</summary>
    public static bool IsValidSite(string site) => MeshTopics.IsValidSegment(site);

    /// <summary>An ISO 4217-shaped code: three upper-case letters.</summary>
    public static bool IsValidCurrency(string code) => CurrencyPattern().IsMatch(code);

    public static string Of(Gate gate) => gate switch
    {
        Gate.Allow => "allow",
        Gate.Deny => "deny",
        Gate.RequireApproval => "require_approval",
        _ => throw new ArgumentOutOfRangeException(nameof(gate), gate, null),
    };

    public static string Of(ApprovalDefault value) => value == ApprovalDefault.Approve ? "approve" : "deny";

    public static string Of(OfflineApproval value) => value switch
    {
        OfflineApproval.Deny => "deny",
        OfflineApproval.Defer => "defer",
        OfflineApproval.ApproveLocally => "approve_locally",
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, null),
    };

    /// <summary>The key of a comparison operator (<c>gt</c>, ...).</summary>
    public static string Of(CompareOp op) => PolicyKeys.Operators[(int)op];

    /// <summary>The operator as a symbol (<c>&gt;</c>, ...), for messages and diffs.</summary>
    public static string Symbol(CompareOp op) => op switch
    {
        CompareOp.Gt => ">",
        CompareOp.Ge => ">=",
        CompareOp.Lt => "<",
        CompareOp.Le => "<=",
        CompareOp.Eq => "==",
        CompareOp.Ne => "!=",
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, null),
    };

    internal static readonly IReadOnlyList<string> Gates = [Of(Gate.Allow), Of(Gate.Deny), Of(Gate.RequireApproval)];

    internal static readonly IReadOnlyList<string> ApprovalDefaults = [Of(ApprovalDefault.Deny), Of(ApprovalDefault.Approve)];

    internal static readonly IReadOnlyList<string> OfflineApprovals =
        [Of(OfflineApproval.Deny), Of(OfflineApproval.Defer), Of(OfflineApproval.ApproveLocally)];

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]*\\z", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();

    [GeneratedRegex("^[a-z0-9][a-z0-9_.-]*\\z", RegexOptions.CultureInvariant)]
    private static partial Regex ActionPattern();

    [GeneratedRegex("^[A-Za-z0-9_.-]+\\z", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[A-Z]{3}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex CurrencyPattern();
}
