using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Mesh.Protocol.Yaml;

/// <summary>Renders values so that the strict reader reads them back exactly: every string double-quoted (so no
/// string can be taken for a number, a boolean or null), numbers in round-trip form.</summary>
internal static partial class YamlWriter
{
    /// <summary>A double-quoted YAML scalar: <c>"a \"b\" c"</c>.</summary>
    public static string Quote(string value)
    {
        var quoted = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': quoted.Append("\\\""); break;
                case '\\': quoted.Append("\\\\"); break;
                case '\n': quoted.Append("\\n"); break;
                case '\t': quoted.Append("\\t"); break;
                case '\r': quoted.Append("\\r"); break;
                default:
                    if (char.IsControl(c) || c is '\u2028' or '\u2029' or '\uFEFF')
                        quoted.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                    else
                        quoted.Append(c);
                    break;
            }
        }
        return quoted.Append('"').ToString();
    }

    /// <summary>A name as a plain scalar when the reader takes it back as that same string (not null, a boolean or a
    /// number), else quoted.</summary>
    public static string Key(string value)
    {
        var plain = new YScalar(TextPosition.Start, value, Plain: true);
        return PlainKey().IsMatch(value) && !YamlValues.IsNull(plain) && YamlValues.AsBoolean(plain) is null && !YamlValues.IsNumber(plain)
            ? value
            : Quote(value);
    }

    /// <summary>Text that parses back to exactly <paramref name="value"/> (finite values only): plain decimals where
    /// they round-trip (<c>0.000083</c>), else the round-trip form (<c>1E-300</c>).</summary>
    public static string Number(double value)
    {
        var plain = value.ToString("0.####################", CultureInfo.InvariantCulture);
        return plain.Length <= 24 && double.Parse(plain, NumberStyles.Float, CultureInfo.InvariantCulture) == value
            ? plain
            : value.ToString("R", CultureInfo.InvariantCulture);
    }

    public static string Integer(long value) => value.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]*\\z", RegexOptions.CultureInvariant)]
    private static partial Regex PlainKey();
}
