using System.Net.Http.Json;
using System.Text.Json;

namespace Mesh.EndToEnd.Tests.Support;

/// <summary>Reads a node's records back from the hub's JSON API, page by page.</summary>
public static class HubAudit
{
    public static async Task<List<JsonElement>> ReadAllAsync(HttpClient http, string nodeId)
    {
        var all = new List<JsonElement>();
        long after = 0;
        while (true)
        {
            var page = await http.GetFromJsonAsync<JsonElement>($"api/nodes/{nodeId}/audit?after={after}&limit=1000");
            var records = page.GetProperty("records");
            if (records.GetArrayLength() == 0)
                return all;
            foreach (var r in records.EnumerateArray())
                all.Add(r.Clone());
            after = all[^1].GetProperty("seq").GetInt64();
        }
    }

    public static int CountKind(IEnumerable<JsonElement> records, string kind) =>
        records.Count(r => r.GetProperty("kind").GetString() == kind);
}
