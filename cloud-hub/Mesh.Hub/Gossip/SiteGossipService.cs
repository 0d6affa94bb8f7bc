using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Mesh.Hub.Storage;
using Mesh.Hub.Sync;
using Mesh.Protocol.Crdt;
using Mesh.Protocol.Grpc;

namespace Mesh.Hub.Gossip;

/// <summary>
/// The hub's side of site-state gossip: merges what a node sends into the hub's replica of the node's site and answers
/// with what changed there since the node's cursor. A request is checked whole before anything is merged: a bad entry
/// refuses the request (INVALID_ARGUMENT naming the entry) and changes nothing.
/// </summary>
public sealed class SiteGossipService(HubStore store, Enrollment.NodeGate gate, ILogger<SiteGossipService> logger)
{
    /// <summary>Routes <c>SiteGossip.Exchange</c> here with the hub reading the request itself (<see cref="OwnReadMethods"/>).</summary>
    public sealed class Methods(OwnReadMethods own) : IServiceMethodProvider<SiteGossipService>
    {
        public void OnServiceMethodDiscovery(ServiceMethodProviderContext<SiteGossipService> context) =>
            own.AddUnary<SiteGossipService, GossipRequest, GossipReply>(context, SiteGossip.Descriptor, "Exchange",
                (service, request, call) => service.Exchange(request, call));
    }

    /// <summary>Most entries in one request, and most returned in one reply (the node asks again for the rest).</summary>
    public const int MaxEntries = 2000;

    public Task<GossipReply> Exchange(GossipRequest request, ServerCallContext context)
    {
        if (AuditIngest.ValidateHello(new SyncHello { NodeId = request.NodeId, Site = request.Site }) is { } bad)
            throw new RpcException(new Status(StatusCode.InvalidArgument, bad.Message));
        gate.Authorize(context, request.NodeId, request.Site, Enrollment.NodeAccess.Gossip);
        if (store.FindNode(request.NodeId) is { } known && known.Site != request.Site)
            throw new RpcException(new Status(StatusCode.PermissionDenied, $"node {request.NodeId} belongs to site '{known.Site}', not '{request.Site}'"));
        if (request.Entries.Count > MaxEntries)
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"the request holds {request.Entries.Count} entries; the limit is {MaxEntries}: send fewer at a time"));
        var entries = new List<SiteEntry>(request.Entries.Count);
        for (var i = 0; i < request.Entries.Count; i++)
        {
            var entry = SiteEntryCodec.Decode(request.Entries[i], out var error);
            if (entry is null)
            {
                HubLog.GossipRefused(logger, request.NodeId, request.Site, i, error!);
                throw new RpcException(new Status(StatusCode.InvalidArgument, $"entries[{i}]: {error}; nothing of the request was merged"));
            }
            entries.Add(entry);
        }
        try
        {
            var (changed, cursor) = store.MergeSiteState(request.Site, entries, (long)Math.Min(request.Cursor, long.MaxValue), MaxEntries);
            var reply = new GossipReply { Cursor = (ulong)cursor };
            reply.Entries.AddRange(changed.Select(SiteEntryCodec.Encode));
            return Task.FromResult(reply);
        }
        catch (HubStorageException ex)
        {
            HubLog.GossipStorageFailed(logger, request.NodeId, ex);
            throw new RpcException(new Status(StatusCode.Unavailable, "the hub could not store the site state; nothing was merged, retry later"));
        }
    }
}
