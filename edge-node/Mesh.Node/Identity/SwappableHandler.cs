namespace Mesh.Node.Identity;

/// <summary>
/// An HTTP handler whose inner handler can be replaced while channels use it: a renewed certificate must reach the
/// TLS handshakes of a gRPC channel that the node's services hold for their lifetime. Calls started before a swap keep
/// their connection; new calls get a new connection with the new certificate. Replaced handlers are disposed with this one.
/// </summary>
public sealed class SwappableHandler(Func<HttpMessageHandler> create) : HttpMessageHandler
{
    private readonly Lock _gate = new();
    private readonly List<HttpMessageInvoker> _retired = [];
    private HttpMessageInvoker _current = new(create());

    /// <summary>New calls go through a fresh inner handler from now on.</summary>
    public void Renew()
    {
        var fresh = new HttpMessageInvoker(create());
        lock (_gate)
        {
            _retired.Add(_current);
            _current = fresh;
        }
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpMessageInvoker current;
        lock (_gate)
            current = _current;
        return current.SendAsync(request, cancellationToken);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            lock (_gate)
            {
                _current.Dispose();
                foreach (var retired in _retired)
                    retired.Dispose();
                _retired.Clear();
            }
        }
        base.Dispose(disposing);
    }
}
