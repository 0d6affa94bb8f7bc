using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Components;

namespace Mesh.Hub.AuditConsole.Charts;

/// <summary>Small server-drawn SVG charts (lines and stacked columns) with a legend: no script, no chart library.</summary>
public static class SvgChart
{
    private const int Width = 640;
    private const int Height = 200;
    private const int Left = 48;
    private const int Bottom = 22;
    private static readonly string[] Colours = ["#2453d4", "#e07a10", "#137a3b", "#b42318", "#7a3fd1", "#0f8b8d", "#8a6d00"];

    /// <summary>One line per series over equal buckets; NaN values leave a gap.</summary>
    public static MarkupString Lines(IReadOnlyList<(string Name, double[] Values)> series, string unit, string firstLabel, string lastLabel)
    {
        var max = Nice(series.SelectMany(s => s.Values).Where(v => !double.IsNaN(v)).DefaultIfEmpty(0).Max());
        var svg = Start(max, unit, firstLabel, lastLabel);
        for (var i = 0; i < series.Count; i++)
        {
            var (_, values) = series[i];
            var path = new StringBuilder();
            var pen = false;
            for (var b = 0; b < values.Length; b++)
            {
                if (double.IsNaN(values[b]))
                {
                    pen = false;
                    continue;
                }
                path.Append(pen ? " L" : " M").Append(F(X(b, values.Length))).Append(',').Append(F(Y(values[b], max)));
                pen = true;
            }
            svg.Append($"<path d=\"{path}\" fill=\"none\" stroke=\"{Colours[i % Colours.Length]}\" stroke-width=\"2\"/>");
            // A point of its own (its neighbours empty) would draw nothing as a path.
            for (var b = 0; b < values.Length; b++)
                if (!double.IsNaN(values[b]) && (b == 0 || double.IsNaN(values[b - 1])) && (b == values.Length - 1 || double.IsNaN(values[b + 1])))
                    svg.Append($"<circle cx=\"{F(X(b, values.Length))}\" cy=\"{F(Y(values[b], max))}\" r=\"3\" fill=\"{Colours[i % Colours.Length]}\"/>");
        }
        return End(svg, series.Select(s => s.Name));
    }

    /// <summary>Stacked columns, one per bucket, a band per series.</summary>
    public static MarkupString StackedColumns(IReadOnlyList<(string Name, long[] Values)> series, string unit, string firstLabel, string lastLabel)
    {
        var buckets = series.Count == 0 ? 0 : series[0].Values.Length;
        var totals = Enumerable.Range(0, buckets).Select(b => series.Sum(s => (double)s.Values[b])).ToArray();
        var max = Nice(totals.DefaultIfEmpty(0).Max());
        var svg = Start(max, unit, firstLabel, lastLabel);
        var w = (Width - Left - 8) / (double)Math.Max(1, buckets);
        for (var b = 0; b < buckets; b++)
        {
            double below = 0;
            for (var i = 0; i < series.Count; i++)
            {
                var v = series[i].Values[b];
                if (v == 0)
                    continue;
                var top = Y(below + v, max);
                svg.Append($"<rect x=\"{F(Left + b * w + 1)}\" y=\"{F(top)}\" width=\"{F(w - 2)}\" height=\"{F(Y(below, max) - top)}\" fill=\"{Colours[i % Colours.Length]}\"><title>{Escape(series[i].Name)}: {v}</title></rect>");
                below += v;
            }
        }
        return End(svg, series.Select(s => s.Name));
    }

    private static StringBuilder Start(double max, string unit, string firstLabel, string lastLabel)
    {
        var svg = new StringBuilder($"<svg class=\"chart\" viewBox=\"0 0 {Width} {Height}\" role=\"img\">");
        for (var i = 0; i <= 4; i++)
        {
            var v = max * i / 4;
            var y = F(Y(v, max));
            svg.Append($"<line x1=\"{Left}\" x2=\"{Width - 8}\" y1=\"{y}\" y2=\"{y}\" stroke=\"#e3e6eb\"/>");
            svg.Append($"<text x=\"{Left - 6}\" y=\"{y}\" text-anchor=\"end\" dominant-baseline=\"middle\" font-size=\"10\" fill=\"#667085\">{F(v)}</text>");
        }
        svg.Append($"<text x=\"4\" y=\"10\" font-size=\"10\" fill=\"#667085\">{Escape(unit)}</text>");
        svg.Append($"<text x=\"{Left}\" y=\"{Height - 6}\" font-size=\"10\" fill=\"#667085\">{Escape(firstLabel)}</text>");
        svg.Append($"<text x=\"{Width - 8}\" y=\"{Height - 6}\" text-anchor=\"end\" font-size=\"10\" fill=\"#667085\">{Escape(lastLabel)}</text>");
        return svg;
    }

    private static MarkupString End(StringBuilder svg, IEnumerable<string> names)
    {
        svg.Append("</svg><div class=\"legend\">");
        var i = 0;
        foreach (var name in names)
            svg.Append($"<span><i style=\"background:{Colours[i++ % Colours.Length]}\"></i>{Escape(name)}</span>");
        svg.Append("</div>");
        return new MarkupString(svg.ToString());
    }

    private static double X(int bucket, int buckets) => Left + (Width - Left - 8) * (buckets <= 1 ? 0.5 : bucket / (double)(buckets - 1));

    private static double Y(double value, double max) => (Height - Bottom) - (Height - Bottom - 24) * (max <= 0 ? 0 : value / max);

    /// <summary>A round top for the axis above <paramref name="max"/>.</summary>
    private static double Nice(double max)
    {
        if (max <= 0)
            return 1;
        var step = Math.Pow(10, Math.Floor(Math.Log10(max)));
        foreach (var m in new[] { 1, 2, 2.5, 5, 10 })
            if (m * step >= max)
                return m * step;
        return 10 * step;
    }

    private static string F(double v) => v.ToString(Math.Abs(v) >= 100 ? "0" : "0.##", CultureInfo.InvariantCulture);

    private static string Escape(string text) => WebUtility.HtmlEncode(text);
}
