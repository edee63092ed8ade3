using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using VaeOnnx.Contract;
using VaeOnnx.Inference.Serving;

namespace VaeOnnx.Serving.Endpoints.Docs;

/// <summary>
/// Adds the row object of the table pair being served to the OpenAPI document (components/schemas/TableRow): one property
/// per column the model reads, typed as the service accepts it (text for categories, text or boolean for flags, number or
/// text for numbers, text for dates; null for a blank cell), with the categories as examples. The document is made per request, so after
/// a hot swap it describes the new pair.
/// </summary>
internal sealed class TableRowSchemaTransformer(VaeChainHost host) : IOpenApiDocumentTransformer
{
    /// <summary>The schema's name under components/schemas.</summary>
    public const string SchemaName = "TableRow";

    /// <inheritdoc />
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        var model = host.CurrentModel;
        if (model.Table is not { } table) return Task.CompletedTask;
        var properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal);
        foreach (var column in table.Columns) properties[column.Name] = Property(column);
        if (model.Condition is { } condition)
            properties[condition.Column] = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Description = $"the condition: one of {string.Join(", ", condition.Classes)}",
            };
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal);
        document.Components.Schemas[SchemaName] = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = $"A row of table pair {model.PairId}, keyed by column name; every column is required (null for a blank cell).",
            Properties = properties,
            Required = new HashSet<string>(properties.Keys, StringComparer.Ordinal),
        };
        return Task.CompletedTask;
    }

    private static OpenApiSchema Property(TableColumn column) => column.Kind switch
    {
        ColumnKind.Categorical => new OpenApiSchema
        {
            Type = JsonSchemaType.String | JsonSchemaType.Null,
            Description = $"categorical: {string.Join(", ", column.Categories!.Take(20))}{(column.Categories!.Count > 20 ? ", ..." : "")} (another value is scored as unknown)",
        },
        ColumnKind.Boolean => new OpenApiSchema
        {
            Type = JsonSchemaType.Boolean | JsonSchemaType.String | JsonSchemaType.Null,
            Description = $"flag: true/false or the file's spellings {column.TrueText}/{column.FalseText}",
        },
        ColumnKind.Date or ColumnKind.DateTime => new OpenApiSchema
        {
            Type = JsonSchemaType.String | JsonSchemaType.Null,
            Description = $"{EnumText.Of(column.Kind)}: text in the format {column.DateFormat}, e.g. {TableDates.Text(column, column.Max)} (a date outside the training range is scored)",
        },
        _ => new OpenApiSchema
        {
            Type = JsonSchemaType.Number | JsonSchemaType.String | JsonSchemaType.Null,
            Description = $"{EnumText.Of(column.Kind)}: a number, or its text",
        },
    };
}
