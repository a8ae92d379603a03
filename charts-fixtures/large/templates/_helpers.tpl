{{/* Name of the i-th generated service: svc-007 etc. (zero padded, so sorting is stable) */}}
{{- define "large.name" -}}
{{- printf "svc-%03d" (int .) -}}
{{- end }}

{{- define "large.labels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/part-of: large
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
tier: {{ index (list "frontend" "backend" "worker") (mod (int .i) 3) }}
{{- end }}
