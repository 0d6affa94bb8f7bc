using Google.Protobuf;
using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;

namespace Mesh.Protocol.Grpc;

/// <summary>
/// Binds a unary or server-streaming RPC so that the server's own code reads the request. Bound the usual way, gRPC reads
/// the request before any of the server's code runs: a request over the size limit is refused in gRPC's words, naming no
/// setting, and undecodable bytes get <c>Unknown</c> with the reason only in gRPC's error log. Here the method is bound as
/// a duplex stream instead. The bytes on the wire are the same (one request, then one reply or a stream of them), so the
/// generated clients call it unchanged, but the read happens in <see cref="ReadOneAsync{TRequest}"/>. A request it
/// cannot read is refused the way the hub refuses a bad sync stream: a status and a detail that say why, and the
/// <see cref="ProblemTrailer"/> trailer (<see cref="MessageTooLarge"/> or <see cref="Malformed"/>); <paramref name="refused"/>
/// records it (the server's log).
/// </summary>
/// <param name="maxReceiveBytes">The server's gRPC receive limit, for the message.</param>
/// <param name="limitName">What sets that limit, for people: "Hub:MaxReceiveMessageBytes".</param>
/// <param name="refused">Called with the method, the problem and the reason of each refusal.</param>
public sealed class OwnReadMethods(int maxReceiveBytes, string limitName, Action<string, string, string> refused)
{
    /// <summary>The trailer that names the problem, as on the hub's sync stream.</summary>
    public const string ProblemTrailer = "mesh-problem";

    /// <summary>The request is larger than the server takes (ResourceExhausted).</summary>
    public const string MessageTooLarge = nameof(MessageTooLarge);

    /// <summary>The request is not the method's message, or there is none (InvalidArgument).</summary>
    public const string Malformed = nameof(Malformed);

    /// <summary>
    /// The duplex form of <paramref name="service"/>'s method <paramref name="name"/>, with the same route as the
    /// generated one. The service class must not derive from the generated base, or both bindings would claim the route.
    /// </summary>
    private static Method<TRequest, TResponse> Duplex<TRequest, TResponse>(ServiceDescriptor service, string name)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        var method = service.FindMethodByName(name) ?? throw new ArgumentException($"{service.FullName} has no method {name}", nameof(name));
        if (method.InputType.ClrType != typeof(TRequest) || method.OutputType.ClrType != typeof(TResponse))
            throw new ArgumentException($"{service.FullName}.{name} takes {method.InputType.FullName} and returns {method.OutputType.FullName}", nameof(name));
        return new Method<TRequest, TResponse>(MethodType.DuplexStreaming, service.FullName, name, Marshal<TRequest>(), Marshal<TResponse>());
    }

    /// <summary>Binds <paramref name="service"/>'s server-streaming method <paramref name="name"/> to <paramref name="handler"/>.</summary>
    public void AddServerStreaming<TService, TRequest, TResponse>(ServiceMethodProviderContext<TService> context, ServiceDescriptor service, string name,
        Func<TService, TRequest, IServerStreamWriter<TResponse>, ServerCallContext, Task> handler)
        where TService : class
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new() =>
        context.AddDuplexStreamingMethod(Duplex<TRequest, TResponse>(service, name), [],
            async (target, requests, responses, call) => await handler(target, await ReadOneAsync(requests, call).ConfigureAwait(false), responses, call).ConfigureAwait(false));

    /// <summary>Binds <paramref name="service"/>'s unary method <paramref name="name"/> to <paramref name="handler"/>.</summary>
    public void AddUnary<TService, TRequest, TResponse>(ServiceMethodProviderContext<TService> context, ServiceDescriptor service, string name,
        Func<TService, TRequest, ServerCallContext, Task<TResponse>> handler)
        where TService : class
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new() =>
        context.AddDuplexStreamingMethod(Duplex<TRequest, TResponse>(service, name), [],
            async (target, requests, responses, call) =>
            {
                var reply = await handler(target, await ReadOneAsync(requests, call).ConfigureAwait(false), call).ConfigureAwait(false);
                await responses.WriteAsync(reply, call.CancellationToken).ConfigureAwait(false);
            });

    /// <summary>
    /// The call's one request, or an <see cref="RpcException"/> that says why there is none: larger than
    /// the server's limit (ResourceExhausted), not a <typeparamref name="TRequest"/> (InvalidArgument), or
    /// no message at all (InvalidArgument). Whatever the caller sends after the first message is not read.
    /// </summary>
    public async Task<TRequest> ReadOneAsync<TRequest>(IAsyncStreamReader<TRequest> requests, ServerCallContext context)
        where TRequest : class, IMessage<TRequest>
    {
        try
        {
            if (await requests.MoveNext(context.CancellationToken).ConfigureAwait(false))
                return requests.Current;
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.ResourceExhausted)
        {
            throw Refuse(context, MessageTooLarge, StatusCode.ResourceExhausted, $"the request is larger than {maxReceiveBytes} bytes ({limitName})");
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw Refuse(context, Malformed, StatusCode.InvalidArgument, $"the request is not a valid {typeof(TRequest).Name}: {ex.Message.TrimEnd('.')}");
        }
        throw Refuse(context, Malformed, StatusCode.InvalidArgument, $"the call ended without its {typeof(TRequest).Name}");
    }

    private RpcException Refuse(ServerCallContext context, string problem, StatusCode status, string reason)
    {
        refused(context.Method, problem, reason);
        var trailers = new Metadata { { ProblemTrailer, problem } };
        return new RpcException(new Status(status, $"{context.Method}: {reason}"), trailers);
    }

    private static Marshaller<T> Marshal<T>() where T : class, IMessage<T>, new()
    {
        var parser = new MessageParser<T>(() => new T());
        return new Marshaller<T>(
            (message, context) =>
            {
                context.SetPayloadLength(message.CalculateSize());
                message.WriteTo(context.GetBufferWriter());
                context.Complete();
            },
            context => parser.ParseFrom(context.PayloadAsReadOnlySequence()));
    }
}
