using System.Data.Common;

namespace Mesh.Hub.Storage;

public sealed partial class HubStore
{
    /// <summary>Up to <paramref name="limit"/> logged operator actions with seq &gt; <paramref name="after"/>, in order.</summary>
    public IReadOnlyList<StoredHubAction> ReadHubActions(long after, int limit) => Read("read the hub action log", connection =>
    {
        using var command = connection.Command("""
            SELECT seq, at, actor, action, target, detail FROM hub_actions WHERE seq > @after ORDER BY seq LIMIT @limit;
            """).Bind("@after", after).Bind("@limit", limit);
        using var reader = command.ExecuteReader();
        var actions = new List<StoredHubAction>();
        while (reader.Read())
            actions.Add(new StoredHubAction(reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5)));
        return actions;
    });

    private void InsertHubAction(HubActionDraft action, long atMs, DbTransaction tx) =>
        Execute(Writer.Command("""
            INSERT INTO hub_actions(at, actor, action, target, detail) VALUES (@at, @actor, @action, @target, @detail);
            """, tx).Bind("@at", atMs).Bind("@actor", action.Actor).Bind("@action", action.Action).Bind("@target", action.Target)
            .Bind("@detail", action.Detail));
}
