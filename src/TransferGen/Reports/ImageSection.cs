using System.Globalization;
using System.Text;

namespace TransferGen.Reports;

/// <summary>One image, or several side by side (wrapping on a narrow page), each with its caption.</summary>
public sealed class ImageSection : ReportSection
{
    /// <summary>A row of <paramref name="images"/> (at least one).</summary>
    public ImageSection(params IEnumerable<ReportImage> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        Images = images.ToArray();
        if (Images.Count == 0) throw new ArgumentException("an image section needs at least one image", nameof(images));
    }

    /// <summary>The images, in order.</summary>
    public IReadOnlyList<ReportImage> Images { get; }

    internal override void Render(StringBuilder html)
    {
        html.Append("<div class=\"figures\">\n");
        foreach (var image in Images)
        {
            // The size as attributes, so the page does not jump as images decode; CSS shrinks wide ones to fit. Small
            // pixelated images (sample grids of 28-32 px images) are shown at twice their size, in sharp pixels.
            var scale = image.Pixelated && image.Width <= 400 ? 2 : 1;
            html.Append("<figure><img src=\"").Append(image.DataUri).Append("\" alt=\"").Append(Encode(image.Alt))
                .Append(string.Create(CultureInfo.InvariantCulture, $"\" width=\"{scale * image.Width}\" height=\"{scale * image.Height}\""))
                .Append(image.Pixelated ? " class=\"pixelated\">" : ">");
            if (image.Caption is not null) html.Append("<figcaption>").Append(Encode(image.Caption)).Append("</figcaption>");
            html.Append("</figure>\n");
        }
        html.Append("</div>\n");
    }
}
