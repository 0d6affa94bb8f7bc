namespace Mesh.Hub.Access;

/// <summary>Maps the groups or roles an identity provider asserts to one hub role: the highest that
/// <see cref="OidcAccessOptions.RoleMap"/> grants, or none.</summary>
public static class OidcRoleMapping
{
    /// <param name="claimValues">Every value of the provider's role claim (one claim per group, or one value holding a
    /// JSON array, as providers differ; both are understood). Group names are matched exactly.</param>
    public static AccessRole? Map(IEnumerable<string> claimValues, IReadOnlyDictionary<string, string> roleMap)
    {
        AccessRole? best = null;
        foreach (var group in claimValues.SelectMany(Split))
        {
            if (roleMap.TryGetValue(group, out var name) && AccessRoles.Parse(name) is { } role && (best is null || role > best))
                best = role;
        }
        return best;
    }

    private static IEnumerable<string> Split(string value)
    {
        var text = value.Trim();
        if (text.StartsWith('['))
        {
            string[]? array = null;
            try
            {
                array = System.Text.Json.JsonSerializer.Deserialize<string[]>(text);
            }
            catch (System.Text.Json.JsonException)
            {
                // Not a JSON array after all: treat it as a plain value below.
            }
            if (array is not null)
                return array.Where(g => !string.IsNullOrEmpty(g));
        }
        return [text];
    }
}
